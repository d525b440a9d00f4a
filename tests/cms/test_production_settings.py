"""The production settings: a clean deploy check, and no start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(**env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_required_variables():
    result = _check_deploy(
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="stdv.example.vn,api.example.vn"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "present"),
    [
        ("SECRET_KEY", {"ALLOWED_HOSTS": "stdv.example.vn"}),
        ("ALLOWED_HOSTS", {"SECRET_KEY": "x" * 60}),
    ],
)
def test_refuses_to_start_without_a_required_variable(missing, present):
    result = _check_deploy(**present)
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr
    assert "Traceback" not in result.stderr


HSTS = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")


def _hsts_settings(**env_overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SECURE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="stdv.example.vn",
        **env_overrides,
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*(getattr(settings, name) for name in {HSTS!r}))"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_hsts_starts_short_without_subdomains_or_preload():
    """issue 13 #18: a year of HSTS with preload and subdomains is hard to undo;
    the default is an hour for this host only, and the deploy check stays clean."""
    assert _hsts_settings() == ["3600", "False", "False"]


def test_the_operator_opts_into_long_hsts():
    chosen = dict(zip(HSTS, ("31536000", "true", "true"), strict=True))
    assert _hsts_settings(**chosen) == ["31536000", "True", "True"]
    result = _check_deploy(
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="stdv.example.vn", **chosen
    )
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr
