"""The embedded default used by ``make run``: SQLite, mail as files, debug on."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_list

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# Each message as a file under .run/mail/ (`make run` says where), unless the
# environment names a real delivery (EMAIL_URL, EMAIL_HOST).
if not (env("EMAIL_URL") or env("EMAIL_HOST") or env("EMAIL_DELIVERY_BACKEND")):
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(BASE_DIR / ".run" / "mail")
