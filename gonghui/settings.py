"""Settings, driven by environment variables with safe development defaults.

``GONGHUI_PRODUCTION=1`` turns on production mode, which refuses to start
without real keys (``GONGHUI_SECRET_KEY``, ``GONGHUI_FIELD_KEY``).
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GONGHUI_DATA_DIR", BASE_DIR.parent / "data"))
PRODUCTION = os.environ.get("GONGHUI_PRODUCTION") == "1"

_DEV_SECRET = "dev-only-secret-key-not-for-production"
# 32 bytes, base64: development only; production refuses to run with it.
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="

SECRET_KEY = os.environ.get("GONGHUI_SECRET_KEY", _DEV_SECRET)
FIELD_KEY = os.environ.get("GONGHUI_FIELD_KEY", _DEV_FIELD_KEY)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or FIELD_KEY == _DEV_FIELD_KEY):
    raise ImproperlyConfigured("生产模式必须设置 GONGHUI_SECRET_KEY 和 GONGHUI_FIELD_KEY")

DEBUG = os.environ.get("GONGHUI_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = os.environ.get("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.audit",
    "gonghui.members",
    "gonghui.programs",
    "gonghui.stations",
    "gonghui.mutualaid",
    "gonghui.rights",
    "gonghui.training",
    "gonghui.culture",
    "gonghui.reports",
    "gonghui.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'gonghui.sqlite3'}"
    # Persistent connections on PostgreSQL: a new connection per request cost more than
    # the whole check-in (measured with gonghui bench checkin).
    config = dj_database_url.parse(url, conn_max_age=300, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN so concurrent writers queue instead of failing midway, and
        # our backend queues them on a flock rather than in SQLite's busy handler.
        config["ENGINE"] = "gonghui.core.backends.sqlite3"
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["TEST"] = {"NAME": os.environ.get("GONGHUI_TEST_SQLITE")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend whose health check polls the socket instead of sending SELECT 1.
        config["ENGINE"] = "gonghui.core.backends.postgresql"
        # Parameters bound by the server, and a statement run five times on a connection
        # prepared there: planning cost PostgreSQL more than running a check-in's
        # statements (half its CPU per check-in, measured with gonghui bench checkin).
        config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The pages are written in Chinese, so Django's own messages (form errors) are Chinese
# too, whatever language a phone asks for: there is no LocaleMiddleware.
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Leaflet's JS/CSS for the station map come from the django-leaflet package (no CDN at run
# time); its folder is served as static files, not installed as an app (its admin needs GDAL).
_LEAFLET_STATIC = Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static"
STATICFILES_DIRS = [BASE_DIR / "static", _LEAFLET_STATIC]
# ECharts for the report card's charts, from npm (package-lock.json), by core.node_packages.
NODE_MODULES = BASE_DIR.parent / "node_modules"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gonghui.core.node_packages.NodePackageFinder",
]
UPLOAD_DIR = DATA_DIR / "uploads"
# Largest case document (claim evidence) accepted, in bytes.
UPLOAD_MAX_BYTES = int(os.environ.get("GONGHUI_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Days without progress after which an open wage-arrears case is overdue.
RIGHTS_OVERDUE_DAYS = int(os.environ.get("GONGHUI_RIGHTS_OVERDUE_DAYS", "30"))
# Seconds a worker's card QR code stays valid after it is shown.
CARD_TOKEN_TTL = int(os.environ.get("GONGHUI_CARD_TOKEN_TTL", "300"))

# Requests per client address to the public station search: "600/m" (also /s, /h).
PUBLIC_RATE = os.environ.get("GONGHUI_PUBLIC_RATE", "600/m")
# Map tiles for the station map, a Leaflet URL template ({z}/{x}/{y}); empty: no tiles,
# markers and the list only. AMap and Tencent tiles are GCJ-02; Tianditu and OSM WGS-84.
STATION_TILES_URL = os.environ.get("GONGHUI_STATION_TILES_URL", "")
STATION_TILES_CRS = os.environ.get("GONGHUI_STATION_TILES_CRS", "gcj02")
# Seconds between checks whether another process changed the stations, which rebuilds this
# process's in-memory search index (a change made in this process rebuilds it at once).
STATION_INDEX_RECHECK = float(os.environ.get("GONGHUI_STATION_INDEX_RECHECK", "1"))
# Metres from a workplace within which an open station covers the employer's outdoor workers
# (the coverage figures); workers of an employer without a location count by their county.
STATION_COVERAGE_M = float(os.environ.get("GONGHUI_STATION_COVERAGE_M", "1000"))

# Four eyes on money: approving a mutual-aid claim, paying it, recording a wage recovery and
# changing a programme's budget are refused to whoever filed, checked or approved it.
FOUR_EYES = os.environ.get("GONGHUI_FOUR_EYES", "1").lower() not in ("0", "false", "no", "off")
# Days the audit log is kept at least (PIPL and 等保 level 3 ask for six months);
# ``gonghui audit purge`` never removes younger events.
AUDIT_RETENTION_MIN_DAYS = 183
AUDIT_RETENTION_DAYS = int(os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "183"))
if AUDIT_RETENTION_DAYS < AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(
        f"GONGHUI_AUDIT_RETENTION_DAYS 不得少于{AUDIT_RETENTION_MIN_DAYS}天（审计日志至少保存六个月）"
    )

LOGIN_LOCKOUT_ATTEMPTS = int(os.environ.get("GONGHUI_LOCKOUT_ATTEMPTS", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("GONGHUI_LOCKOUT_MINUTES", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own default also gives "django" a console handler (in DEBUG); without
    # this, each 404 or error would be printed by both it and the root logger.
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
