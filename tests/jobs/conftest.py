import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    """The test database, as a URL another process can use."""
    params = connection.settings_dict
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    return (
        f"postgres://{credentials}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT')}"
        f"/{params['NAME']}"
    )


@pytest.fixture
def process_env(settings):
    """The environment of a ``manage.py`` process on the test database, with
    the database task backend and a short heartbeat."""
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (DATABASE_URL).")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="database",
        TASKS_WORKER_HEARTBEAT_EVERY="0.3",
        TASKS_WORKER_LOST_AFTER="2",
        TEST_MEDIA_DIR=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, timeout=120):
    """Run ``manage.py`` in another process and return its result."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_manage(env, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
