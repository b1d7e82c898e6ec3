"""Settings for Đoàn Tụ: one module, driven by environment variables.

Two modes, chosen by DOANTU_ENV:
- ``dev`` (default): the embedded run. SQLite and media under ``var/``, a generated secret key kept in
  ``var/``, DEBUG on, the database task queue. Safe to start with no configuration at all.
- ``production``: nothing is guessed. SECRET_KEY, ALLOWED_HOSTS and FIELD_ENCRYPTION_KEYS must be given,
  and a bad value stops the process at start-up (ImproperlyConfigured) rather than running half-configured.
"""

import os
import secrets
import shutil
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DOANTU_ENV = env("DOANTU_ENV", "dev")
if DOANTU_ENV not in {"dev", "production"}:
    raise ImproperlyConfigured(f"DOANTU_ENV must be 'dev' or 'production', not {DOANTU_ENV!r}")
PRODUCTION = DOANTU_ENV == "production"

DATA_DIR = Path(env("DOANTU_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secret_key() -> str:
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _weak_secret_key(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions and tokens, or None. The same bar as Django's deploy check
    (security.W009), so a key accepted here never makes ``check --deploy`` warn."""
    if len(key) < 50:
        return "it is shorter than 50 characters"
    if len(set(key)) < 10:
        return "it has fewer than 10 different characters"
    if key.startswith("django-insecure-"):
        return "it is a development key (django-insecure-…)"
    return None


SECRET_KEY = env("SECRET_KEY") or (None if PRODUCTION else _dev_secret_key())
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters in production")
if PRODUCTION and (_weakness := _weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak: {_weakness}. Make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")
if PRODUCTION and any("*" in host for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the site's hosts in production, not a wildcard '*' "
        "(it lets any Host header through: poisoned password-reset links and cache entries)"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Keys for the encrypted personal-data fields (reporters' names and phones). Fernet keys, comma-separated,
# newest first, so a key can be rotated: old data stays readable and is re-encrypted on save.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set in production "
        '(make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
    )
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    # A key Fernet cannot use would let the site start and then fail every submission with a name in it.
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key number {_position} is not a Fernet key (32 bytes, url-safe base64, "
            "44 characters ending in '='); the key itself is not shown here"
        ) from None

# The keyed hash (HMAC-SHA256) of each named tip's normalised contact (tips.contacts), stored so that the
# figures count distinct contributors in SQL without decrypting anyone's phone. Not a Fernet key and not stored in
# the database, so the column alone tells nobody who a contributor is (a phone number has too few possibilities
# to be safe behind an unkeyed hash). Defaults to SECRET_KEY: before you ever change SECRET_KEY, set
# CONTACT_HASH_KEY to the current one; after changing CONTACT_HASH_KEY itself, run
# ``python manage.py rehash_contacts`` (until then, people who come back count twice).
CONTACT_HASH_KEY = env("CONTACT_HASH_KEY") or SECRET_KEY
if PRODUCTION and _weak_secret_key(CONTACT_HASH_KEY):
    raise ImproperlyConfigured("CONTACT_HASH_KEY must be as strong as a SECRET_KEY (50+ random characters)")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "doantu.org",
    "doantu.audit",
    "doantu.documents",
    "doantu.campaign",
    "doantu.tips",
    "doantu.registry",
    "doantu.comms",
    "doantu.plan",
    "doantu.dna",
    "doantu.web",
    "doantu.ops",
    "doantu.indicators",
    "doantu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "doantu.urls"
WSGI_APPLICATION = "doantu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "doantu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doantu.web.context_processors.site",
            ],
        },
    },
]

if PRODUCTION and not env("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production (postgres://user:password@host:5432/doantu); "
        "the embedded SQLite file is for the development run only"
    )
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'doantu.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the task worker use the file together; IMMEDIATE avoids
    # "database is locked" when two writers start a transaction at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:inbox"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: the interface's own words are Vietnamese, so Django's built-in words (form errors, "Unknown"…)
# must not follow an English browser into a half-English page.
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "doantu" / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# Attachments are private: they are never served from a public URL, only through views that check access.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env("S3_BUCKET"):
    # Any S3-compatible store (MinIO, Viettel/VNPT object storage...), via django-storages.
    import importlib.util

    if importlib.util.find_spec("storages") is None:  # else every upload and attachment would be a 500
        raise ImproperlyConfigured(
            "S3_BUCKET is set but django-storages is not installed: uv sync --extra s3"
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "region_name": env("S3_REGION"),
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Two-step sign-in (TOTP, any authenticator app) for staff: "required" (everyone must enrol), "optional"
# (those who enrolled are asked for a code), or "off". Staff read informants' identities and grave locations.
STAFF_2FA = env("STAFF_2FA", "required" if PRODUCTION else "optional")
if STAFF_2FA not in {"required", "optional", "off"}:
    raise ImproperlyConfigured(f"STAFF_2FA must be required, optional or off, not {STAFF_2FA!r}")
OTP_TOTP_ISSUER = "Đoàn Tụ"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    # HTTPS only, by default (see "production safety" below for the switches).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)

# Map tiles for staff maps (Leaflet). Empty: no tiles are fetched (tests, offline machines); the map
# still shows the point and its coordinates.
# An empty MAP_TILE_URL is meaningful (no tiles), so it is read without env()'s "empty means unset".
MAP_TILE_URL = os.environ.get(
    "MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png" if PRODUCTION else ""
)
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap")


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


_tile_origin = _origin(MAP_TILE_URL) if MAP_TILE_URL else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"]
    + ([_tile_origin.replace("://a.", "://*.")] if _tile_origin else []),
    "media-src": [CSP.SELF, "blob:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# Public intake limits. Sizes in megabytes. The totals bound one request, whatever the form says.
# Python's cyclic garbage collector looks at its young objects after every GC_YOUNG_THRESHOLD new ones (Python
# 3.13's default: 2,000). A search of a 1,000,000-record registry makes tens of thousands of objects for the
# candidates it meets the first time (parsed names, units, places): at 2,000 it made 584 young collections in a
# process serving the bench's 215 tip requests, and a tip's candidates took ~30 ms more at p95
# (bench/registry_search.py, 1 Dec 2026: 182-193 ms against 144-160 ms with 10,000-100,000, which measured
# alike). Applied by doantu.ops when Django starts; 0 = the default.
GC_YOUNG_THRESHOLD = env_int("GC_YOUNG_THRESHOLD", 10_000)
TIP_MAX_FILES = env_int("TIP_MAX_FILES", 8)
TIP_MAX_MB = {
    "image": env_int("TIP_MAX_IMAGE_MB", 15),
    "video": env_int("TIP_MAX_VIDEO_MB", 60),
    "audio": env_int("TIP_MAX_AUDIO_MB", 20),
    "pdf": env_int("TIP_MAX_PDF_MB", 20),
}
TIP_MAX_TOTAL_MB = env_int("TIP_MAX_TOTAL_MB", 120)
TIP_IMAGE_MAX_SIDE = env_int("TIP_IMAGE_MAX_SIDE", 4096)
# Video and sound are re-muxed by ffmpeg without their metadata (phones write where a video was shot into it).
# Without ffmpeg they are stored as sent and `manage.py check` warns (doantu.tips.W001).
FFMPEG_PATH = env("FFMPEG_PATH", shutil.which("ffmpeg") or "")
MEDIA_CLEAN_TIMEOUT = env_int("MEDIA_CLEAN_TIMEOUT", 120)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- intake limits and shared cache
# The cache every worker process shares: the public rate limits count in it, and a deactivated QR source or a
# changed registry must be seen by every worker at once. Redis when REDIS_URL is set; otherwise Django's
# database cache (table ``doantu_cache``, created by the migration tips 0002 and by the test runner) with an
# atomic increment (doantu.cache), so `gunicorn -w 4` counts once, not four times. MAX_ENTRIES is high because
# culling a full table would also drop live rate counters (an attacker could flush his own count that way);
# expired rows are removed by the periodic sweep (doantu.tips.sweep).
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "doantu.cache.DatabaseCache",
        "LOCATION": "doantu_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 500_000)},
    },
}
# Public submissions per hour (web form and API). Two budgets (doantu.tips.throttle): one browser or app
# install (a device cookie / X-Device-Id) gets TIP_RATE_PER_HOUR; one address, all devices behind it together,
# gets TIP_RATE_PER_HOUR_ADDRESS, so a ward meeting on one Wi-Fi does not lock itself out while a flood from
# one address stays bounded. Requests with no device id share one device budget per address.
# TIP_RATE_PER_HOUR=0 turns both off (as TIP_STATUS_RATE_PER_HOUR=0 does for look-ups).
TIP_RATE_PER_HOUR = env_int("TIP_RATE_PER_HOUR", 30)
TIP_RATE_PER_HOUR_ADDRESS = env_int("TIP_RATE_PER_HOUR_ADDRESS", 300)
# Status look-ups (receipt code + last 4 phone digits: a guessing surface) have their own budget, and each
# receipt code accepts only so many failed look-ups an hour, from anywhere.
TIP_STATUS_RATE_PER_HOUR = env_int("TIP_STATUS_RATE_PER_HOUR", 30)
TIP_STATUS_RATE_PER_HOUR_ADDRESS = env_int("TIP_STATUS_RATE_PER_HOUR_ADDRESS", 300)
TIP_STATUS_FAILURES_PER_CODE = env_int("TIP_STATUS_FAILURES_PER_CODE", 10)
# Request bodies are refused on their declared (or streamed) size before anything reads them
# (doantu.bodylimit, first middleware): the public intake takes TIP_MAX_TOTAL_MB + 2 MB, the staff uploads
# (registry imports and documents) STAFF_UPLOAD_MAX_MB + 2 MB, anything else REQUEST_MAX_BODY_MB.
MIDDLEWARE.insert(0, "doantu.bodylimit.BodyLimitMiddleware")  # first, before anything reads the body
STAFF_UPLOAD_MAX_MB = env_int("STAFF_UPLOAD_MAX_MB", 200)
REQUEST_MAX_BODY_MB = env_int("REQUEST_MAX_BODY_MB", 3)
# Upload temporary files live in their own folder, so the sweep of files left by a crash touches nothing else.
FILE_UPLOAD_TEMP_DIR = Path(env("FILE_UPLOAD_TEMP_DIR", str(DATA_DIR / "upload-tmp")))
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
# Files in the media store with no row, and upload temporary files, older than this are removed by the
# periodic sweep (task doantu.tips.tasks.sweep_orphans, every ORPHAN_SWEEP_INTERVAL_HOURS; or
# `manage.py sweep_orphans`; `sweep_orphans --schedule` starts the chain). The age keeps it away from a
# submission still being written.
ORPHAN_MIN_AGE_HOURS = env_int("ORPHAN_MIN_AGE_HOURS", 24)
ORPHAN_SWEEP_INTERVAL_HOURS = env_int("ORPHAN_SWEEP_INTERVAL_HOURS", 6)
# Files of a public submission sent back with an error, kept for the retry (doantu.tips.held): the signed
# token expires after this long and the sweep removes older held files.
HELD_FILES_MAX_AGE_HOURS = env_int("HELD_FILES_MAX_AGE_HOURS", 2)

NINJA_NUM_PROXIES = env_int("NUM_PROXIES", 0) or None

# --- sign-in hardening: password guessing (django-axes), see doantu/org/signin.py for the reasoning.
# Counted failures within SIGNIN_COOLOFF_MINUTES lock sign-in for that long (never for good): 5 per account
# and address, 10 per account and 30 per address from addresses the account has not signed in from before.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "doantu.org.signin.SignInAttempts"
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURES_PER_ACCOUNT_ADDRESS", 5)
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 10)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", 30)
SIGNIN_KNOWN_ADDRESS_DAYS = env_int("SIGNIN_KNOWN_ADDRESS_DAYS", 90)
SIGNIN_COOLOFF_MINUTES = env_int("SIGNIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = SIGNIN_COOLOFF_MINUTES / 60  # axes reads a float as hours
if not (AXES_FAILURE_LIMIT > 0 and SIGNIN_FAILURES_PER_ACCOUNT > 0 and SIGNIN_FAILURES_PER_ADDRESS > 0):
    raise ImproperlyConfigured("SIGNIN_FAILURES_* must be positive whole numbers")
if SIGNIN_COOLOFF_MINUTES <= 0:
    raise ImproperlyConfigured("SIGNIN_COOLOFF_MINUTES must be a positive whole number")
AXES_LOCKOUT_PARAMETERS = "doantu.org.signin.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "doantu.org.signin.client_ip"  # the same address as the rate limits (NUM_PROXIES)
AXES_LOCKOUT_CALLABLE = "doantu.org.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that attempt's counters
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries during a lock-out do not prolong it
AXES_ENABLE_ADMIN = False  # unlocking is done by the audited account reset, not by editing axes' rows
AXES_COOLOFF_MESSAGE = "Đăng nhập tạm bị khóa vì nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau."
# --- end of sign-in hardening

# --- error pages and input validation
# Control characters (a NUL byte...) in a path, query, header, form field or JSON string are refused with a
# 400 before any view sees them (PostgreSQL cannot store a NUL). Placed before the CSRF check: it looks at a
# body only in process_view, after any middleware that refuses a body by its size in the request phase.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"),
    "doantu.web.middleware.RejectControlCharactersMiddleware",
)
# A failed CSRF check explains itself in Vietnamese (the error pages are doantu/web/errors.py, set in urls.py).
CSRF_FAILURE_VIEW = "doantu.web.errors.csrf_failure"
# Django's own words the public can meet (form errors...) that its Vietnamese catalogue lacks or gets wrong.
LOCALE_PATHS = [BASE_DIR / "doantu" / "locale"]

# --- upload limits: what decoding one sent file, and all the files of one request, may cost.
# Pixels are checked from the header before anything is decoded. 52 million pixels per image: the
# full-resolution modes of today's phones fit (48 MP = 8000x6000, "50 MP" = 8160x6144 = 50.1 MP; a phone's
# default photo is 12 MP), a 7740x7740 "decompression bomb" (59.9 MP) does not; 64/108/200 MP modes are
# refused with a message asking for the normal photo. A JPEG counts at the size it is decoded at (1/2, 1/4,
# 1/8 straight from the file when it will be shrunk to TIP_IMAGE_MAX_SIDE anyway: a 48 MP photo as 12 MP).
TIP_MAX_IMAGE_PIXELS = env_int("TIP_MAX_IMAGE_PIXELS", 52_000_000)
# All the images of one request together, as decoded: eight phone photos of 12 MP, or of 48 MP (decoded as
# 12 MP), pass (96 MP); so do three 50 MP PNGs. About 2 s of CPU per 50 MP of PNG (bench/upload_cost.py).
TIP_MAX_REQUEST_PIXELS = env_int("TIP_MAX_REQUEST_PIXELS", 160_000_000)
# Images and PDFs are decoded in a child process with this much address space and this deadline (per
# request); it is killed past the deadline, and the files not done by then are refused.
UPLOAD_WORKER_MEMORY_MB = env_int("UPLOAD_WORKER_MEMORY_MB", 1024)
UPLOAD_WORKER_TIMEOUT = env_int("UPLOAD_WORKER_TIMEOUT", 30)
# --- end of upload limits

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- production safety
# HTTPS: with DOANTU_ENV=production every plain-HTTP request is redirected to HTTPS and browsers are told
# (HSTS) to use HTTPS only, for a year. Behind a proxy that terminates TLS, the proxy must send
# X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER above); a proxy that redirects by itself may set
# SECURE_SSL_REDIRECT=false; SECURE_HSTS_SECONDS=0 turns HSTS off (e.g. before the certificate is in place).
# The health check is exempt from the redirect, so a local probe over plain HTTP gets its answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The audit trail's hash chain is keyed (HMAC-SHA256) with a secret that is not in the database, so that not
# even a database superuser can rewrite an entry and re-chain the rest. Newest first; the first key chains new
# entries, all of them verify old ones. Defaults to SECRET_KEY: before you ever change SECRET_KEY, set
# AUDIT_CHAIN_KEYS to the current one (then add new keys in front).
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS") or [SECRET_KEY]
if PRODUCTION and any(_weak_secret_key(key) for key in AUDIT_CHAIN_KEYS):
    raise ImproperlyConfigured(
        "AUDIT_CHAIN_KEYS: every key must be as strong as a SECRET_KEY (50+ random characters)"
    )
# /healthz reports the task worker as failing when a heartbeat task has waited longer than this (seconds).
HEALTHZ_WORKER_MAX_DELAY = env_int("HEALTHZ_WORKER_MAX_DELAY", 300)

# --- notifications (doantu/notify): in the app, by email (Django's email backend), by SMS/Zalo (a gateway class)
INSTALLED_APPS += ["doantu.notify"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("doantu.notify.context_processors.notifications")
# --- misinformation watch (doantu/watch) and commendations (doantu/honours)
INSTALLED_APPS += ["doantu.watch", "doantu.honours"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("doantu.watch.context_processors.menu")
# Email through Django's mailers (MAILERS, Django 6.1's successor of EMAIL_BACKEND): the console in development
# (messages are printed), SMTP in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, EMAIL_TIMEOUT); EMAIL_BACKEND picks another backend class. Django's test runner replaces every
# mailer with its in-memory outbox.
_email_backend = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        }
        if _email_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Đoàn Tụ <no-reply@localhost>")
# SMS/Zalo: a class with send(recipient, message) (doantu.notify.channels). The console one in development
# (the number masked); empty in production until a gateway is configured (then nothing is texted, and a
# tipster who should have been told is recorded as "not told: call them").
NOTIFY_SMS_BACKEND = env("NOTIFY_SMS_BACKEND", "" if PRODUCTION else "doantu.notify.channels.ConsoleSms")
# doantu.notify.channels.HttpSmsGateway: where and how to reach the gateway.
NOTIFY_SMS_GATEWAY_URL = env("NOTIFY_SMS_GATEWAY_URL", "")
NOTIFY_SMS_GATEWAY_TOKEN = env("NOTIFY_SMS_GATEWAY_TOKEN", "")
NOTIFY_SMS_SENDER = env("NOTIFY_SMS_SENDER", "")
NOTIFY_SMS_GATEWAY_TIMEOUT = env_int("NOTIFY_SMS_GATEWAY_TIMEOUT", 10)
# Links in messages: the site's address as people reach it.
SITE_URL = env("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000")
# The daily round (overdue forwards, then the digests), local time (TIME_ZONE).
NOTIFY_DAILY_HOUR = env_int("NOTIFY_DAILY_HOUR", 7)
if not 0 <= NOTIFY_DAILY_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFY_DAILY_HOUR must be an hour, 0 to 23")

# models.W040: SQLite ignores an index's INCLUDE columns (tips' ward/day index includes the id so PostgreSQL counts
# from the index alone); on SQLite the index works without them, so the warning says nothing to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
