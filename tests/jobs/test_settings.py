"""Which task backend each environment gets, and a clear refusal of a wrong one."""

import os
import secrets

from .conftest import manage

SHOW_BACKEND = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"


def settings_env(module, **extra):
    env = {key: value for key, value in os.environ.items() if key != "TASKS_BACKEND"}
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="stdv.example.vn",
        **extra,
    )
    return env


def test_production_runs_tasks_on_workers_and_make_run_in_the_request():
    production = manage(
        settings_env("cms.settings.production"), "shell", "--no-imports", "-c", SHOW_BACKEND
    )
    dev = manage(settings_env("cms.settings.dev"), "shell", "--no-imports", "-c", SHOW_BACKEND)

    assert production.stdout.strip() == "django_tasks_db.DatabaseBackend", production.stderr
    assert dev.stdout.strip() == "django_tasks.backends.immediate.ImmediateBackend", dev.stderr


def test_an_unknown_task_backend_is_refused_with_the_variable_named():
    result = manage(settings_env("cms.settings.production", TASKS_BACKEND="rabbitmq"), "check")

    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of immediate, database, not 'rabbitmq'" in result.stderr
    assert "Traceback" not in result.stderr
