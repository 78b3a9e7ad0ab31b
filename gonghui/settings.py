"""Settings, driven by environment variables; production unless this is the demo or a test.

Production is the default: ``GONGHUI_SECRET_KEY`` and ``GONGHUI_FIELD_KEY`` must be
real keys (``gonghui.core.keys``; ``gonghui.manage`` refuses every command in one
line otherwise), DEBUG is off, and the site is served over HTTPS with Secure
cookies and HSTS. Development mode, with the development keys, is entered only by
``gonghui demo`` (``gonghui.manage`` sets ``GONGHUI_DEMO`` for it and its server)
and by the test suite (pytest sets ``PYTEST_VERSION``); ``gonghui serve`` clears
both, so it is production whatever the environment says.
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from gonghui.core.files import private_dir
from gonghui.core.keys import (
    DEV_FIELD_KEY,
    DEV_SECRET_KEY,
    KeyRefused,
    check_keys,
    check_retention,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GONGHUI_DATA_DIR", BASE_DIR.parent / "data"))
DEVELOPMENT = os.environ.get("GONGHUI_DEMO") == "1" or "PYTEST_VERSION" in os.environ


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


def _words(name: str, default: str = "") -> list[str]:
    return [word.strip() for word in os.environ.get(name, default).split(",") if word.strip()]


# The field keyring (``GONGHUI_FIELD_KEYS=new,old`` while ``gonghui keys rotate`` runs):
# the first key seals, every key in it still opens; without it, the one field key.
if DEVELOPMENT:
    SECRET_KEY = os.environ.get("GONGHUI_SECRET_KEY") or DEV_SECRET_KEY
    FIELD_KEYS = _words("GONGHUI_FIELD_KEYS") or [
        os.environ.get("GONGHUI_FIELD_KEY") or DEV_FIELD_KEY
    ]
    KEY_REFUSAL = ""
else:
    # No fallback: an empty key stays empty (Django refuses an empty SECRET_KEY when it is
    # used), and the reason is kept for gonghui.manage and the WSGI entry to print.
    SECRET_KEY = os.environ.get("GONGHUI_SECRET_KEY", "")
    FIELD_KEYS = _words("GONGHUI_FIELD_KEYS") or [os.environ.get("GONGHUI_FIELD_KEY", "")]
    try:
        for field_key in FIELD_KEYS:
            check_keys(SECRET_KEY, field_key)
        KEY_REFUSAL = ""
    except KeyRefused as refusal:
        KEY_REFUSAL = str(refusal)
FIELD_KEY = FIELD_KEYS[0]
# aes: AES-256-GCM and HMAC-SHA256; sm: SM4-GCM and HMAC-SM3 (core.crypto).
CRYPTO = os.environ.get("GONGHUI_CRYPTO", "aes")

DEBUG = DEVELOPMENT and _flag("GONGHUI_DEBUG", False)
ALLOWED_HOSTS = _words("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost")
if DEVELOPMENT:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = _words("GONGHUI_CSRF_TRUSTED_ORIGINS")

# Behind TLS (production's default): cookies only over HTTPS, HTTP redirected, and HSTS.
# GONGHUI_HTTPS=0 is for a server reached over plain HTTP on a private address (the demo,
# the benchmarks); GONGHUI_PROXY_SSL_HEADER names the header by which the TLS-terminating
# proxy in front says the request came over HTTPS (it must overwrite it from clients).
HTTPS = not DEVELOPMENT and _flag("GONGHUI_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The load balancer's liveness probe reaches the server itself, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("GONGHUI_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("GONGHUI_HSTS_PRELOAD", True)
_proxy_header = os.environ.get("GONGHUI_PROXY_SSL_HEADER", "")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
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
    "gonghui.console",
    "gonghui.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.middleware.UnreadableUploadMiddleware",
    "gonghui.core.ratelimit.RetryAfterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.accounts.middleware.SessionLimitsMiddleware",
    "gonghui.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "gonghui.core.middleware.NoStoreMiddleware",
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
        private_dir(DATA_DIR)  # the SQLite file beside it holds every record: 0700
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gonghui.accounts.passwords.LengthAndClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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
# Limits of a file any importer reads (roster, service list, …); a file over one is
# refused as a whole, naming the limit: bytes, data rows, columns and characters in a cell.
IMPORT_MAX_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("GONGHUI_IMPORT_MAX_ROWS", "500000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("GONGHUI_IMPORT_MAX_COLUMNS", "100"))
IMPORT_MAX_CELL = int(os.environ.get("GONGHUI_IMPORT_MAX_CELL", "2000"))
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


def _tile_source(url: str) -> list[str]:
    """The CSP source that lets the map load tiles from ``url``: its scheme and host, a
    Leaflet ``{s}`` subdomain label widened to ``*``."""
    if not url:
        return []
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    first, dot, tail = host.partition(".")
    return [f"{scheme}://{'*' + dot + tail if '{' in first else host}"]


# Content Security Policy on every response (django-csp): scripts and styles from our own
# static files, or inline only with the request's nonce ({{ request.csp_nonce }}); no inline
# event handlers or style attributes; images also from the map's tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", *_tile_source(STATION_TILES_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
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
# Too few days is refused like an unfit key, in every mode: gonghui.manage and the WSGI entry
# print KEY_REFUSAL in one line instead of a traceback from here.
AUDIT_RETENTION_MIN_DAYS = 183
try:
    AUDIT_RETENTION_DAYS = check_retention(
        os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", str(AUDIT_RETENTION_MIN_DAYS)),
        AUDIT_RETENTION_MIN_DAYS,
    )
except KeyRefused as refusal:
    AUDIT_RETENTION_DAYS = AUDIT_RETENTION_MIN_DAYS
    KEY_REFUSAL = KEY_REFUSAL or str(refusal)

# The reverse proxies (IPs or CIDRs) whose X-Forwarded-For names the client (core.views.client_ip);
# empty: the client is REMOTE_ADDR, whatever a forwarded-for header says.
TRUSTED_PROXIES = _words("GONGHUI_TRUSTED_PROXIES")
# Password checks per username and client address, then a cool-off of that many minutes.
LOGIN_LOCKOUT_ATTEMPTS = int(os.environ.get("GONGHUI_LOCKOUT_ATTEMPTS", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("GONGHUI_LOCKOUT_MINUTES", "15"))
# A console session ends after this many idle minutes, and this many hours after its login.
SESSION_IDLE_MINUTES = int(os.environ.get("GONGHUI_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("GONGHUI_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "工会服务平台"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record is redacted of ID and mobile numbers on its way out (core.redaction).
    "filters": {"redact": {"()": "gonghui.core.redaction.RedactPersonalNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own default also gives "django" a console handler (in DEBUG); without
    # this, each 404 or error would be printed by both it and the root logger.
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
