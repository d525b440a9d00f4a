"""Fast settings for the test suite; the database comes from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that send through the task (cms/mail.py) still deliver to mail.outbox.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / env("TEST_MEDIA_DIR", ".test-media")
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Static files come from the apps' folders, as with `make run`: no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Wagtail's admin search stays on the database in tests: an engine index is not
# rolled back with each test. Archive search tests turn the engine on themselves
# (tests/search/), with an index of their own on OPENSEARCH_URL.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
SEARCH_ENGINE_URL = None

# The sign-in lockout (django-axes) stays on, as in production: its attempts
# live in the database and are rolled back with each test.

# Publishing makes no audio in tests (espeak-ng would run in every test that
# publishes a page); tests/readaloud/ turn it on.
READALOUD_ON_PUBLISH = False

# Reads and sign-ins are not recorded in tests (a buffer shared by the whole
# run would write in whichever test came 30 s later); tests/readership turn it on.
READERSHIP_RECORDING = False
