"""Which cache production uses: Redis with REDIS_URL, the database without it,
never per-process memory (each process would count sign-ins on its own)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_cache(**env_overrides):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="stdv.example.vn",
        **env_overrides,
    )
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "from django.conf import settings; cfg = settings.CACHES['default']; "
        "print(cfg['BACKEND'], cfg.get('LOCATION'), type(caches['default']).__name__)"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_without_redis_uses_the_database_cache():
    assert production_cache() == [
        "django.core.cache.backends.db.DatabaseCache",
        "cache_table",
        "DatabaseCache",
    ]


def test_production_with_redis_url_uses_the_degrading_redis_cache():
    url = "redis://127.0.0.1:6390/2"
    assert production_cache(REDIS_URL=url) == [
        "cms.cache.DegradingRedisCache",
        url,
        "DegradingRedisCache",
    ]
