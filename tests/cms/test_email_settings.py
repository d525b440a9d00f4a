"""E-mail: the delivery comes from the environment, and messages leave the
request through a task that sends them intact."""

import json
import os
import subprocess
import sys
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, send_mail
from django_tasks import default_task_backend

from cms.mail import deliver_email
from cms.settings.email_url import (
    CONSOLE_BACKEND,
    FILE_BACKEND,
    SMTP_BACKEND,
    email_delivery,
    parse_email_url,
)

ROOT = Path(__file__).resolve().parents[2]
SUBJECT = "Nhắc việc: 3 bài chờ duyệt ở Đảng bộ xã Dân Tiến"
HTML = "<p>Kính gửi đồng chí <strong>Nguyễn Văn Ánh</strong>,</p>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://thu.ky%40tinhuy.vn:m%E1%BA%ADt%2Fkh%E1%BA%A9u@mail.tinhuy.vn:587?tls=1",
            {"host": "mail.tinhuy.vn", "port": 587, "use_tls": True, "use_ssl": False},
        ),
        ("smtps://u:p@mail.tinhuy.vn", {"port": 465, "use_ssl": True, "use_tls": False}),
        ("smtp://relay.internal", {"port": 25, "user": "", "password": "", "use_tls": False}),
        ("smtp://relay.internal?timeout=5", {"timeout": 5}),
    ],
)
def test_smtp_addresses(url, expected):
    delivery = parse_email_url(url)
    assert delivery.backend == SMTP_BACKEND
    for name, value in expected.items():
        assert getattr(delivery, name) == value


def test_user_and_password_are_percent_decoded():
    delivery = parse_email_url("smtp://thu.ky%40tinhuy.vn:m%E1%BA%ADt%2Fkh%E1%BA%A9u@mail:587")
    assert (delivery.user, delivery.password) == ("thu.ky@tinhuy.vn", "mật/khẩu")


def test_file_and_console_addresses():
    delivery = parse_email_url("file:///var/spool/cms-mail")
    assert (delivery.backend, delivery.file_path) == (FILE_BACKEND, "/var/spool/cms-mail")
    assert parse_email_url("console://").backend == CONSOLE_BACKEND


def test_separate_variables_and_the_default():
    assert email_delivery({}) == parse_email_url("smtp://localhost:25")
    delivery = email_delivery(
        {
            "EMAIL_HOST": "mail.tinhuy.vn",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "cms",
            "EMAIL_HOST_PASSWORD": "secret",
            "EMAIL_USE_TLS": "true",
            "EMAIL_TIMEOUT": "10",
        }
    )
    assert (delivery.host, delivery.port, delivery.user, delivery.password) == (
        "mail.tinhuy.vn",
        587,
        "cms",
        "secret",
    )
    assert (delivery.use_tls, delivery.use_ssl, delivery.timeout) == (True, False, 10)
    # EMAIL_URL wins over the separate variables.
    assert email_delivery({"EMAIL_URL": "console://", "EMAIL_HOST": "x"}).backend == (
        CONSOLE_BACKEND
    )


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"EMAIL_URL": "smpt://mail.tinhuy.vn"}, "unknown scheme 'smpt'"),
        ({"EMAIL_URL": "mail.tinhuy.vn:587"}, "unknown scheme"),
        ({"EMAIL_URL": "smtp://mail.tinhuy.vn:port"}, "port is not a number"),
        ({"EMAIL_URL": "smtp://:587"}, "no host name"),
        ({"EMAIL_URL": "smtp://mail?tls=maybe"}, "'maybe' is not a yes/no value"),
        ({"EMAIL_URL": "smtp://mail?starttls=1"}, "unknown option 'starttls'"),
        ({"EMAIL_URL": "smtps://mail?tls=1"}, "cannot both be on"),
        ({"EMAIL_URL": "file://relative/dir"}, "absolute folder"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT is invalid"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
    ],
)
def test_a_bad_setting_names_the_variable_and_the_problem(environ, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        email_delivery(environ)
    assert "The environment variable EMAIL_" in str(refused.value)
    assert problem in str(refused.value)


def _settings_process(module, code, **variables):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EMAIL_") and key not in {"DEFAULT_FROM_EMAIL", "SERVER_EMAIL"}
    }
    env.update(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="k" * 60, ALLOWED_HOSTS="stdv.example.vn")
    env.update(variables)
    command = [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)


def test_production_refuses_to_start_with_a_bad_email_url():
    result = _settings_process(
        "cms.settings.production",
        "import django; django.setup()",
        EMAIL_URL="smtp://mail.tinhuy.vn:99999",
    )
    assert result.returncode != 0
    assert "The environment variable EMAIL_URL is invalid" in result.stderr
    assert "port is not a number" in result.stderr


PRINT_MAIL_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_DELIVERY_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
    "s.EMAIL_FILE_PATH, s.DEFAULT_FROM_EMAIL, s.SERVER_EMAIL]))"
)


def test_production_sends_through_the_task_to_smtp_on_localhost_by_default():
    result = _settings_process("cms.settings.production", PRINT_MAIL_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "cms.mail.TaskEmailBackend",
        SMTP_BACKEND,
        "localhost",
        25,
        None,
        "webmaster@localhost",
        "root@localhost",
    ]
    chosen = _settings_process(
        "cms.settings.production",
        PRINT_MAIL_SETTINGS,
        EMAIL_URL="smtp://cms:pw@mail.tinhuy.vn:587?tls=1",
        DEFAULT_FROM_EMAIL="Ban Tuyên giáo <noreply@tinhuy.vn>",
        SERVER_EMAIL="cms-errors@tinhuy.vn",
    )
    assert json.loads(chosen.stdout)[1:] == [
        SMTP_BACKEND,
        "mail.tinhuy.vn",
        587,
        None,
        "Ban Tuyên giáo <noreply@tinhuy.vn>",
        "cms-errors@tinhuy.vn",
    ]


def test_make_run_writes_mail_as_files_under_dot_run():
    result = _settings_process("cms.settings.dev", PRINT_MAIL_SETTINGS)
    assert result.returncode == 0, result.stderr
    settings_seen = json.loads(result.stdout)
    assert settings_seen[1] == FILE_BACKEND
    assert settings_seen[4] == str(ROOT / ".run" / "mail")
    # A real delivery named in the environment wins, in development too.
    chosen = _settings_process("cms.settings.dev", PRINT_MAIL_SETTINGS, EMAIL_URL="console://")
    assert json.loads(chosen.stdout)[1] == CONSOLE_BACKEND


@pytest.fixture
def task_email(settings):
    """Django's mail goes through the task, delivered to ``mail.outbox``."""
    settings.EMAIL_BACKEND = "cms.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def _reminder():
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body="Kính gửi đồng chí Nguyễn Văn Ánh,\n\nCó 3 bài chờ duyệt.",
        from_email="Ban Tuyên giáo <noreply@tinhuy.vn>",
        to=["anh.nv@tinhuy.vn"],
        cc=["van.phong@tinhuy.vn"],
        bcc=["luu.tru@tinhuy.vn"],
        reply_to=["ban.tuyen.giao@tinhuy.vn"],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(HTML, "text/html")
    message.attach("danh-sách.csv", "Tiêu đề,Đơn vị\nRa quân,Dân Tiến\n", "text/csv")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png")
    return message


def test_a_message_waits_in_the_queue_and_arrives_intact(task_email):
    """With a queue, nothing is sent inside the request; the worker's run of
    the task delivers the same message, Vietnamese, HTML and files intact."""
    task_email.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    assert _reminder().send() == 1
    assert mail.outbox == []
    [queued] = default_task_backend.results
    assert queued.task.module_path == "cms.mail.deliver_email"
    arguments = json.loads(json.dumps(queued.args))  # what a database queue stores

    deliver_email.call(*arguments)

    [sent] = mail.outbox
    assert sent.subject == SUBJECT
    assert sent.body.startswith("Kính gửi đồng chí")
    assert sent.from_email == "Ban Tuyên giáo <noreply@tinhuy.vn>"
    assert (sent.to, sent.cc, sent.bcc) == (
        ["anh.nv@tinhuy.vn"],
        ["van.phong@tinhuy.vn"],
        ["luu.tru@tinhuy.vn"],
    )
    assert sent.reply_to == ["ban.tuyen.giao@tinhuy.vn"]
    assert sent.alternatives == [(HTML, "text/html")]
    assert [tuple(item) for item in sent.attachments] == [
        ("danh-sách.csv", "Tiêu đề,Đơn vị\nRa quân,Dân Tiến\n", "text/csv"),
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png"),
    ]
    wire = message_from_bytes(sent.message().as_bytes())
    assert str(make_header(decode_header(wire["Subject"]))) == SUBJECT
    assert wire["Auto-Submitted"] == "auto-generated"
    html_part = next(part for part in wire.walk() if part.get_content_type() == "text/html")
    assert html_part.get_payload(decode=True).decode(html_part.get_content_charset()) == HTML


def test_with_the_immediate_backend_mail_is_sent_at_once(task_email):
    sent_count = send_mail(SUBJECT, "Nội dung", None, ["anh.nv@tinhuy.vn"], html_message=HTML)
    assert sent_count == 1
    [sent] = mail.outbox
    assert (sent.subject, sent.from_email, sent.alternatives) == (
        SUBJECT,
        "webmaster@localhost",
        [(HTML, "text/html")],
    )


def test_large_attachments_are_sent_at_once_rather_than_queued(task_email):
    task_email.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    message = _reminder()
    message.attach("bao-cao.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024), "application/pdf")
    assert message.send() == 1
    assert default_task_backend.results == []
    [sent] = mail.outbox
    assert sent.attachments[-1][0] == "bao-cao.pdf"
