"""Settings, all from the environment. Defaults run the whole system on one machine with no server:
SQLite and kombu's filesystem broker. DATABASE_URL selects PostgreSQL; REDIS_URL selects Redis for the broker and
the cache. See README.md, "Configuration"."""
import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served from our own static files (no CDN)
    "guardian",
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "casework.apps.CaseworkConfig",
    "arrears",
    "disputes",
    "blacklist",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "casework.views.lang.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.middleware.AuditContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "casework.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "casework.sqlite3")),
            # IMMEDIATE: a write transaction takes the database lock when it begins, so two clerks pressing the
            # same button are serialised instead of one failing half-way with "database is locked".
            # WAL: readers never wait for the writer; synchronous=NORMAL is crash-safe in WAL mode (a power cut
            # may lose the last commits, never corrupt the file). Production runs PostgreSQL.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30,
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
            # A file, not memory: threads (live server, concurrency tests) then share it with real locking.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH") or str(VAR_DIR / f"test_casework_{os.getpid()}.sqlite3")},
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ---------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "casework.cache_redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    CELERY_BROKER_URL = REDIS_URL
    # Fail fast when Redis is down (the outbox keeps the message; beat redispatches it).
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5,
                                       "visibility_timeout": 3600}
else:
    # A file cache is shared by every web process on the machine, which a per-process cache is not (the rate
    # limits must hold across gunicorn workers), and it costs no database write transaction per request.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache"))}}
    CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "broker"))
    CELERY_BROKER_URL = "filesystem://"
    for _sub in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "casework.tasks.sweep_deadlines", "schedule": timedelta(minutes=15)},
    "fire-workflow-timers": {"task": "casework.tasks.fire_workflow_timers", "schedule": timedelta(minutes=1)},
    "recompute-provisional-deadlines": {"task": "casework.tasks.recompute_provisional_deadlines",
                                        "schedule": timedelta(hours=6)},
    "deadline-reminders": {"task": "casework.tasks.deadline_reminders", "schedule": timedelta(hours=1)},
    "redispatch-notifications": {"task": "notifications.tasks.redispatch_pending", "schedule": timedelta(minutes=1)},
    "purge-expired-drafts": {"task": "casework.tasks.purge_expired_drafts", "schedule": timedelta(hours=12)},
    "sweep-jobs": {"task": "casework.tasks.sweep_jobs", "schedule": timedelta(minutes=1)},  # docs/dashboards.md
    "blacklist-expiry-sweep": {"task": "blacklist.tasks.expire_listings", "schedule": timedelta(hours=6)},
    "transfer-deadline-alerts": {"task": "blacklist.tasks.transfer_deadline_alerts", "schedule": timedelta(hours=1)},
    "disclosure-sweep": {"task": "blacklist.tasks.disclosure_sweep", "schedule": timedelta(hours=1)},
    "disputes-sweeps": {"task": "disputes.tasks.disputes_sweeps", "schedule": timedelta(hours=1)},
    "remedy-overdue-alerts": {"task": "arrears.tasks.remedy_overdue_alerts", "schedule": timedelta(minutes=15)},
    "grading-yearly-runs": {"task": "blacklist.tasks.start_grading_runs",  # daily in January; idempotent
                            "schedule": crontab(minute=30, hour=3, month_of_year="1")},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Notifications (docs/notifications.md) ---------------------------------------------------------------------
NOTIFY_ENQUEUE = env_bool("NOTIFY_ENQUEUE", True)  # False: messages wait for redispatch/drain (tests)
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", 6))
NOTIFY_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", 30))
NOTIFY_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFY_RETRY_MAX_SECONDS", 3600))
NOTIFY_LEASE_SECONDS = float(os.environ.get("NOTIFY_LEASE_SECONDS", 120))  # longer than any gateway timeout
NOTIFY_FAILURE_RECIPIENTS = "casework.services.notices.staff_for_failed_message"
# The public site address that SMS texts link to (the tracking page); no request is at hand when they are written.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", 10))
SMS_BACKEND = os.environ.get("SMS_BACKEND") or ("notifications.channels.HttpSmsGateway" if SMS_GATEWAY_URL
                                                else "notifications.channels.FileSmsGateway")
SMS_OUTBOX_FILE = os.environ.get("SMS_OUTBOX_FILE", str(VAR_DIR / "sms-outbox.jsonl"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@hrss.xizang.gov.cn.invalid")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_TIMEOUT = 10

# During a cache (Redis) outage tracking stays available instead of failing for everyone; see README.
RATELIMIT_FAIL_OPEN = True
TRACKING_RATE = os.environ.get("TRACKING_RATE", "10/m")
# Behind a reverse proxy, rate limits must key on the client's address, not the proxy's: name the header here
# (for example HTTP_X_REAL_IP); the proxy must set it and strip it from client requests.
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
INTAKE_RATE = os.environ.get("INTAKE_RATE", "20/h")  # anonymous complaint submissions per IP (API)
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "10/m")  # password guesses per IP at /api/v1/auth/token/

# --- Auth, permissions ----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public gets no permissions at all
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Internationalisation --------------------------------------------------------------------------------------
# Django knows no Tibetan; teach it the name so language switchers and get_language_info work.
from django.conf.locale import LANG_INFO  # noqa: E402

LANG_INFO.setdefault("bo", {"bidi": False, "code": "bo", "name": "Tibetan", "name_local": "བོད་ཡིག"})
FORMAT_MODULE_PATH = ["casework.formats"]  # Tibetan date formats (Django has none)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("bo", "བོད་ཡིག"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private")))}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if not DEBUG
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("EVIDENCE_S3_BUCKET"):
    # Several web servers share evidence through S3-compatible object storage (django-storages). Files stay
    # private: they are only ever served through the evidence view, which checks who is asking.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["EVIDENCE_S3_BUCKET"],
        "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False}}
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
EVIDENCE_MAX_FILES = int(os.environ.get("EVIDENCE_MAX_FILES", 20))
EVIDENCE_ALLOWED_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"]
# Videos, only where a photo or video record is asked for (an order posted at the premises of an employer who fled)
EVIDENCE_VIDEO_TYPES = ["video/mp4", "video/webm"]
EVIDENCE_VIDEO_MAX_BYTES = int(os.environ.get("EVIDENCE_VIDEO_MAX_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Personal data --------------------------------------------------------------------------------------------
# Field encryption keys (Fernet, urlsafe base64 of 32 bytes), newest first; older keys still decrypt (rotation).
# The default is derived from SECRET_KEY so that a development machine works out of the box.
_derived = base64.urlsafe_b64encode(hashlib.sha256(("fernet:" + SECRET_KEY).encode()).digest()).decode()
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", _derived).split(",") if k]
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "pii-hash:" + SECRET_KEY)

# --- API ------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "casework.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wage-arrears case management API",
    "DESCRIPTION": "Complaint intake, tracking, cases and workflow tasks. See README.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
