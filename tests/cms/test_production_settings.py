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
