"""Settings shared by every environment.

The environment is read here once, through ``env``; the other settings modules
only choose defaults and add what their environment needs.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .email_url import email_delivery
from .logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def require_env(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required by these settings and is not set."
        )
    return value


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "editorial",
    "content_types",
    "readaloud",
    "readership",
    "branches",
    "workflows",
    "api",
    "search",
    "reader",
    # Before django_tasks_db: its db_worker command is ours (with a heartbeat).
    "jobs",
    "django_tasks",
    "django_tasks_db",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: every response, redirects and errors included, carries the request id.
    "cms.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page (cms/csp.py adjusts it per part of the site).
    "cms.csp.SitePartsCSPMiddleware",
    # Static files (collected, hashed, pre-compressed) answer here, before sessions.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer: preflight and error responses get CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Django's gzip, except for file downloads: byte ranges count the file's own bytes.
    "cms.compression.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cms.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a sign-in refused by the lockout into the lockout page (admin login).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in: the lockout back end first (it refuses a locked-out username and
# address before any password is checked), then the member-status back end.
AUTHENTICATION_BACKENDS = [
    "editorial.auth.LockoutBackend",
    "editorial.auth.MemberStatusBackend",
]

# How many reverse proxies (nginx, a load balancer) stand in front of the app.
# 0: the client's address is REMOTE_ADDR and X-Forwarded-For is ignored, as a
# client could write anything there. N: the address the N-th proxy from the app
# wrote in X-Forwarded-For. Used by the sign-in throttle and the lockout.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Who may read /readyz (cms/health.py): loopback and private networks.
HEALTH_CHECK_NETWORKS = env_list("HEALTH_CHECK_NETWORKS") or [
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
]

# Failed sign-ins (admin and API, password or one-time code) lock out that
# username from that address only: after SIGN_IN_FAILURE_LIMIT failures for
# SIGN_IN_LOCKOUT, doubling with each further failure up to SIGN_IN_LOCKOUT_MAX;
# failures are forgotten a day after the last one, or at a successful sign-in.
# Platform administrators lift a lockout at Settings > Sign-in lockouts.
AXES_HANDLER = "editorial.auth.BackoffLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(env("SIGN_IN_FAILURE_LIMIT", "5"))
SIGN_IN_LOCKOUT = timedelta(minutes=1)
SIGN_IN_LOCKOUT_MAX = timedelta(hours=1)
AXES_COOLOFF_TIME = timedelta(days=1)
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out are refused without counting, so the wait
# stops growing once the guessing stops.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "api.throttles.client_address"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not our audit trail
AXES_ENABLE_ADMIN = False  # no Django admin: see api.admin_views.sign_in_lockouts
AXES_VERBOSE = False

# Reader-app tokens expire after this many days without use.
API_TOKEN_IDLE_DAYS = int(env("API_TOKEN_IDLE_DAYS", "90"))
# Seconds a rendered listing, detail or sync body is kept under its ETag
# (never stale: a new version is a new key); 0 renders every response.
API_BODY_CACHE_SECONDS = int(env("API_BODY_CACHE_SECONDS", "300"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# The admin speaks Vietnamese and English. Content may be in more languages: a
# province adds one with CONTENT_LANGUAGES (codes Django knows, Vietnamese first)
# and `manage.py sync_locales`; no code changes.
ADMIN_LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
CONTENT_LANGUAGE_CODES = env_list("CONTENT_LANGUAGES", "vi,en")
if not CONTENT_LANGUAGE_CODES or CONTENT_LANGUAGE_CODES[0] != "vi":
    raise ImproperlyConfigured("CONTENT_LANGUAGES must start with vi, the default language.")
_NAMES = dict(ADMIN_LANGUAGES)
WAGTAIL_CONTENT_LANGUAGES = [
    (code, _NAMES[code] if code in _NAMES else LANG_INFO[code]["name"])
    for code in CONTENT_LANGUAGE_CODES
]
# Django and Wagtail need every content language among LANGUAGES.
LANGUAGES = ADMIN_LANGUAGES + [
    item for item in WAGTAIL_CONTENT_LANGUAGES if item[0] not in dict(ADMIN_LANGUAGES)
]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = ADMIN_LANGUAGES

# `manage.py collectstatic` gathers static files here; whitenoise serves them
# (production: hashed names, gzip variants, cached for a year).
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Production: after the audience check the web server sends the file (api/media.py).
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", "")
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "Sổ tay đảng viên điện tử")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Search: OpenSearch when OPENSEARCH_URL is set (archive search in search/ and
# Wagtail's admin search on the same cluster), the database otherwise.
OPENSEARCH_URL = env("OPENSEARCH_URL") or None
SEARCH_INDEX = env("SEARCH_INDEX", "stdv_archive")
# Engine outages (search/engine.py): seconds a request may wait for the engine;
# after SEARCH_ENGINE_FAILURES_TO_OPEN failures in a row the engine is skipped
# (searches answer from the database) for SEARCH_ENGINE_RETRY_AFTER seconds.
SEARCH_ENGINE_TIMEOUT = float(env("SEARCH_ENGINE_TIMEOUT", "5"))
SEARCH_ENGINE_FAILURES_TO_OPEN = int(env("SEARCH_ENGINE_FAILURES_TO_OPEN", "3"))
SEARCH_ENGINE_RETRY_AFTER = float(env("SEARCH_ENGINE_RETRY_AFTER", "30"))
# Index administration and a rebuild's loading (search/index_admin.py).
SEARCH_ENGINE_ADMIN_TIMEOUT = float(env("SEARCH_ENGINE_ADMIN_TIMEOUT", "300"))
# How long a deleted document's version is remembered (index.gc_deletes).
SEARCH_INDEX_GC_DELETES = env("SEARCH_INDEX_GC_DELETES", "1h")
if OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": [OPENSEARCH_URL],
            "INDEX_PREFIX": f"{SEARCH_INDEX}_wagtail_",
            "TIMEOUT": 5,
        }
    }
# Recordings for read-aloud (a lesson's own voice), checked by content too.
AUDIO_EXTENSIONS = ["mp3", "m4a", "aac", "ogg", "oga", "opus", "wav"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "jpg", "jpeg", "png", "webp", *AUDIO_EXTENSIONS]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Uploads are checked by content (PDF, DOCX, JPEG/PNG/WEBP), not by file name.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "content_types.forms.CheckedDocumentForm"
# Decoding an image costs memory per pixel, whatever its file size: a PNG of a
# few KB can hold 11000×11000 pixels (500 MB once decoded for renditions).
# 40 million is above any phone or scanner photo; also applied to image attachments.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILREDIRECTS_AUTO_CREATE = True

# The shared cache (cms/cache.py): API bodies, delta sync, the sign-in throttle,
# unit names in search results. Redis when REDIS_URL is set (an outage makes
# misses and dropped writes, never errors; REDIS_TIMEOUT seconds per call at
# most); otherwise process memory here and the database in production.
REDIS_URL = env("REDIS_URL") or None
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cms.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "stdv",
            "OPTIONS": {
                "socket_timeout": float(env("REDIS_TIMEOUT", "0.25")),
                "socket_connect_timeout": float(env("REDIS_TIMEOUT", "0.25")),
                "RETRY_AFTER": float(env("REDIS_RETRY_AFTER", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Read-aloud (readaloud/): audio made by the worker with Debian's espeak-ng
# voice, encoded as Opus. READALOUD_ON_PUBLISH=false stops making it on publish
# (``manage.py make_audio`` still can).
READALOUD_ON_PUBLISH = env_bool("READALOUD_ON_PUBLISH", True)
READALOUD_VOICE = env("READALOUD_VOICE", "vi")
READALOUD_WORDS_PER_MINUTE = int(env("READALOUD_WORDS_PER_MINUTE", "150"))
READALOUD_BITRATE = env("READALOUD_BITRATE", "20k")
# A recording uploaded for a lesson (an hour of speech at 64 kbit/s is 29 MB).
READALOUD_RECORDING_MAX_BYTES = 40 * 1024 * 1024

# Reading figures (readership/): sign-ins and items opened, per member and day,
# kept in each process's memory and written in bulk once READERSHIP_FLUSH_SIZE
# entries wait or the oldest is READERSHIP_FLUSH_EVERY seconds old (and when the
# process exits). A killed process loses at most that much (docs/reading-figures.md).
READERSHIP_RECORDING = env_bool("READERSHIP_RECORDING", True)
READERSHIP_FLUSH_EVERY = int(env("READERSHIP_FLUSH_EVERY", "30"))
READERSHIP_FLUSH_SIZE = int(env("READERSHIP_FLUSH_SIZE", "500"))

# Background work (django-tasks). TASKS_BACKEND=immediate runs each task inside
# the request that queues it (make run, most tests); TASKS_BACKEND=database
# queues it in the database for `manage.py db_worker` processes (production).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def task_backend(name):
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}."
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = task_backend(env("TASKS_BACKEND", "immediate"))
# A worker records a heartbeat every few seconds; the scheduler's sweeper
# (every TASKS_SWEEP_EVERY seconds) returns the running task of a worker silent
# for TASKS_WORKER_LOST_AFTER seconds to the queue, up to TASKS_MAX_ATTEMPTS tries.
TASKS_WORKER_HEARTBEAT_EVERY = float(env("TASKS_WORKER_HEARTBEAT_EVERY", "5"))
TASKS_WORKER_LOST_AFTER = float(env("TASKS_WORKER_LOST_AFTER", "60"))
TASKS_SWEEP_EVERY = int(env("TASKS_SWEEP_EVERY", "60"))
TASKS_MAX_ATTEMPTS = int(env("TASKS_MAX_ATTEMPTS", "3"))
TASKS_KEEP_RESULTS_DAYS = int(env("TASKS_KEEP_RESULTS_DAYS", "7"))

# Moderation steps waiting longer than this many days are reminded daily (workflows).
WORKFLOWS_REMINDER_DAYS = int(env("WORKFLOWS_REMINDER_DAYS", "3"))

# The page type that provisioning creates as a unit's home page. A setting,
# so that editorial/ does not import content_types/ (see DESIGN.md).
EDITORIAL_UNIT_HOME_PAGE_MODEL = "content_types.UnitHomePage"
# The page type of the admin dashboard's "New notice" action (editorial/landing.py).
EDITORIAL_NOTICE_PAGE_MODEL = "content_types.NewsArticle"

# E-mail leaves the request: Django hands each message to a task (cms/mail.py)
# that sends it through the delivery back end the environment names with
# EMAIL_URL or EMAIL_HOST... (cms/settings/email_url.py); SMTP on localhost:25
# when nothing is set.
EMAIL_BACKEND = "cms.mail.TaskEmailBackend"
_EMAIL = email_delivery(os.environ)
# A back-end class path wins over EMAIL_URL (EMAIL_BACKEND: its former name).
EMAIL_DELIVERY_BACKEND = env("EMAIL_DELIVERY_BACKEND") or env("EMAIL_BACKEND") or _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
EMAIL_TIMEOUT = _EMAIL.timeout
EMAIL_FILE_PATH = _EMAIL.file_path
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = env("SERVER_EMAIL", "root@localhost")

# Content-Security-Policy (django-csp; cms/csp.py adds what the admin and the
# API docs need): this site's own scripts, styles, images and frames only, no
# plugins, no framing by other sites. CSP_REPORT_ONLY=1 only reports what the
# policy would block (to try a change); CSP_REPORT_URI receives the reports.
_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
if env("CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [env("CSP_REPORT_URI")]
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None
# Wagtail's avatars would come from gravatar.com, which the policy does not
# allow (and which would learn the editors' e-mail hashes); the upgrade notice
# would ask releases.wagtail.io: upgrades come with the deployment instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Logs go to standard output, each line with its request's id (cms/request_id.py):
# readable text by default, one JSON object per line with LOG_FORMAT=json
# (production's default). See cms/settings/logs.py.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = logging_config(env("LOG_FORMAT", "text"), LOG_LEVEL)

# The reader apps' API (api/). Bearer tokens for the apps, the session for the
# browsable docs; every error is JSON with a stable code (api.exceptions).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"sign_in": env("API_SIGN_IN_RATE", "10/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Party handbook reader API",
    "DESCRIPTION": (
        "Content (Wagtail API v2 conventions), audiences, sign-in, quizzes, study progress, "
        "members' questions and delta sync for the reader apps."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.content_paths",
    ],
    # Choice sets that share a field name ("status", "kind") get their own names.
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "editorial.models.MemberStatus",
        "TaskStatusEnum": "branches.models.TaskStatus",
        "MeetingKindEnum": "branches.models.MeetingKind",
        "MembershipRequestKindEnum": "branches.models.RequestKind",
        "RsvpAnswerEnum": "branches.models.RsvpAnswer",
    },
}
# Reader apps' web origins, e.g. "https://app.example.vn"; none by default.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api|documents)/.*$"
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "if-none-match",
    "if-modified-since",
    "idempotency-key",
]
CORS_EXPOSE_HEADERS = ["etag", "last-modified"]
WAGTAILAPI_BASE_URL = env("WAGTAILAPI_BASE_URL", WAGTAILADMIN_BASE_URL)
WAGTAILAPI_LIMIT_MAX = 100
