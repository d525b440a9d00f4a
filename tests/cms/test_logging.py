"""Production logs: one JSON object per line on standard output, each line of
a request carrying the id that the response returns in X-Request-ID."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cms.logging import JsonFormatter, RequestIdFilter
from cms.request_id import current_request_id

ROOT = Path(__file__).resolve().parents[2]

# Runs in a production process: requests through Django's full stack, one
# line of results on standard error (standard output holds the log).
PROBE = """
import json, logging, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = "tests.cms.error_urls"
client = Client(raise_request_exception=False)
answers = []
for path, offered in json.loads(sys.argv[1]):
    headers = {"X-Request-ID": offered} if offered else {}
    response = client.get(path, headers=headers, HTTP_HOST="stdv.example.vn", secure=True)
    answers.append([response.status_code, response.headers.get("X-Request-ID")])
logging.getLogger("probe").warning("between requests")
print(json.dumps(answers), file=sys.stderr)
"""


def run_production(requests, **variables):
    """The answers to ``requests`` ((path, X-Request-ID) pairs) and the log lines."""
    test_database = settings.DATABASES["default"]
    url = (
        f"postgres://{test_database['USER']}:{test_database['PASSWORD']}@"
        f"{test_database['HOST']}:{test_database['PORT']}/{test_database['NAME']}"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOG_")}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="stdv.example.vn",
        DATABASE_URL=url,
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(requests)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stderr.strip().splitlines()[-1])
    lines = result.stdout.splitlines()
    return answers, [json.loads(line) for line in lines]  # every line must be JSON


@pytest.mark.django_db
def test_each_request_logs_json_lines_with_its_response_request_id():
    answers, lines = run_production([("/khong-co-trang-nay/", None), ("/failing-page/", None)])
    (missing_status, missing_id), (failed_status, failed_id) = answers
    assert (missing_status, failed_status) == (404, 500)
    assert missing_id != failed_id
    by_message = {line["message"]: line for line in lines}

    not_found = by_message["Not Found: /khong-co-trang-nay/"]
    assert not_found["request_id"] == missing_id
    assert (not_found["level"], not_found["logger"]) == ("WARNING", "django.request")
    assert not_found["time"].endswith("+00:00")

    failure = by_message["Internal Server Error: /failing-page/"]
    assert failure["request_id"] == failed_id
    assert failure["level"] == "ERROR"
    assert "ViewFailure: the view failed on purpose" in failure["exception"]
    assert "Traceback" in failure["exception"]

    assert by_message["between requests"]["request_id"] == "-"


@pytest.mark.django_db
def test_behind_a_trusted_proxy_its_request_id_is_kept():
    answers, lines = run_production(
        [("/khong-co-trang-nay/", "7f3c2a9e-nginx-0001")], TRUSTED_PROXY_COUNT="1"
    )
    assert answers == [[404, "7f3c2a9e-nginx-0001"]]
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["request_id"] == "7f3c2a9e-nginx-0001"


def test_text_logs_elsewhere_and_a_bad_log_format_refuses_to_start():
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOG_")}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.production", LOG_FORMAT="xml")
    env.update(SECRET_KEY="k" * 60, ALLOWED_HOSTS="stdv.example.vn")
    command = [sys.executable, "-c", "import django; django.setup()"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)
    assert result.returncode != 0
    assert "The environment variable LOG_FORMAT is invalid: 'xml'" in result.stderr


def _record(message, *args, exc_info=None):
    record = logging.LogRecord("cms.test", logging.ERROR, __file__, 1, message, args, exc_info)
    RequestIdFilter().filter(record)
    return record


def test_a_log_line_is_one_json_object_whatever_the_message_holds():
    token = current_request_id.set("abc-123")
    try:
        forged = 'tên "Ánh"\n{"level": "INFO", "message": "forged"}\u2028next'
        try:
            raise ValueError("không đọc được tệp")
        except ValueError:
            record = _record("Sign-in of %s failed", forged, exc_info=sys.exc_info())
        line = JsonFormatter().format(record)
    finally:
        current_request_id.reset(token)
    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert entry["message"] == f"Sign-in of {forged} failed"
    assert entry["request_id"] == "abc-123"
    assert "ValueError: không đọc được tệp" in entry["exception"]
    assert "Ánh" in line  # Vietnamese stays readable
