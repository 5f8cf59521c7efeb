"""Settings for every environment.

Everything is configured by environment variables (see `.env.example`) and is
secure by default: production is this file plus its environment. `dev.py` and
`test.py` relax it. Required production values have no default, so a missing
one stops the process at boot instead of running misconfigured.
"""

from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address, for every link that leaves it (e-mail, SMS, exports, the API):
# "https://tiepdan.hanoi.gov.vn". Required: dev.py and test.py give the local one.
SITE_URL = env("CIVICDESK_SITE_URL").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "core",
    "petitions",
    "reception",
    "adminreform",
    "reports",
    "api",
    # After our apps: their translations (DRF ships a Vietnamese catalogue) never override ours.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Framing and the content policy, outermost with SecurityMiddleware: every response carries
    # them, the ones the middleware below answer on their own (413, 400, CSRF's 403) included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.QueryStringCheckMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor (django-otp, below), then roles and scopes read once a request.
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RememberMembershipsMiddleware",
    "core.middleware.SecondFactorEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.staff_navigation",
            ],
        },
    },
]

# Unset DATABASE_URL means the embedded SQLite database that `make run` uses.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, its connections' health checked without a round trip (its docstring).
    DATABASES["default"]["ENGINE"] = "civicdesk.postgresql"
    # No JIT compilation: CivicDesk's queries are short, and the report's one aggregate pass over
    # petitions (a few hundred FILTER clauses) cost PostgreSQL over a minute of compiling for a
    # query that runs in seconds (docs/performance.md, P6).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:home"

# Staff lockout (django-axes): 5 failures lock the username (and, against password
# spraying, the address) for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["civicdesk.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Leaflet and its marker clustering come from their packages (xstatic), served like every
# other static file: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STATICFILES_FINDERS = [
    "civicdesk.staticfinders.FileSystemFinder",  # Django's, less a file the packages break
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A request body larger than this is refused (413) before it is read: every file a form takes
# at its 10 MB limit, and the fields (core.middleware).
CIVICDESK_MAX_REQUEST_BYTES = env.int("CIVICDESK_MAX_REQUEST_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
# An online reception session's recording (Decree 154/2026; docs/reception.md): the largest file
# taken, in MB (within CIVICDESK_MAX_REQUEST_BYTES; a longer one is given as the address where
# it is kept), and how long recordings are kept after the session (`purge_expired`).
CIVICDESK_RECORDING_MAX_MB = env.int("CIVICDESK_RECORDING_MAX_MB", default=90)
CIVICDESK_RECORDING_KEEP_DAYS = env.int("CIVICDESK_RECORDING_KEEP_DAYS", default=1825)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when configured, else local memory (single process).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: unset REDIS_URL means tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Publishing must never make a web request wait on a dead broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="CivicDesk <no-reply@civicdesk.local>")

# Key for the denouncer-identity vault and other fields encrypted at rest
# (a urlsafe base64 Fernet key). Required: there is no safe default.
FIELD_ENCRYPTION_KEY = env("CIVICDESK_FIELD_ENCRYPTION_KEY")

# Security: on by default; dev.py turns the HTTPS-only parts off.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- petitions ---
# Proxies whose X-Forwarded-For is believed when computing a client's IP (core.ratelimit).
CIVICDESK_TRUSTED_PROXIES = env.list("CIVICDESK_TRUSTED_PROXIES", default=[])
# Every public form: at most this many posts of the same form per address in this many
# seconds, on top of the form's own hourly limit (core.ratelimit, S4).
CIVICDESK_RATELIMIT_BURST = env.int("CIVICDESK_RATELIMIT_BURST", default=5)
CIVICDESK_RATELIMIT_BURST_WINDOW = env.int("CIVICDESK_RATELIMIT_BURST_WINDOW", default=60)
# The staff lockout counts failures per client address as core.ratelimit sees it (behind the
# trusted proxies), not per proxy.
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# SMS sender of every app (core.sms): the console one logs the message (development only);
# core.sms.BrandnameSmsBackend is a Vietnamese brand-name provider's API (key, brand name,
# delivery reports), core.sms.HttpSmsBackend a plain JSON gateway (bearer token). A 5xx or an
# outage leaves the message in the outbox to be tried again; a 4xx gives it up (docs/petitions.md).
PETITIONS_SMS_BACKEND = env("PETITIONS_SMS_BACKEND", default="core.sms.ConsoleSmsBackend")
PETITIONS_SMS_URL = env("PETITIONS_SMS_URL", default="")
PETITIONS_SMS_TOKEN = env("PETITIONS_SMS_TOKEN", default="")
PETITIONS_SMS_SENDER = env("PETITIONS_SMS_SENDER", default="UBND")
PETITIONS_SMS_TIMEOUT = env.float("PETITIONS_SMS_TIMEOUT", default=10.0)
# Public forms: filings and tracking look-ups allowed per IP per hour.
PETITIONS_FILE_RATE = env.int("PETITIONS_FILE_RATE", default=10)
PETITIONS_TRACK_RATE = env.int("PETITIONS_TRACK_RATE", default=30)
# Key of the HMAC-SHA256 that stores tracking secrets (petitions.text.secret_digest).
# Unset: derived from DJANGO_SECRET_KEY (with SECRET_KEY_FALLBACKS still accepted). A
# dedicated key lets DJANGO_SECRET_KEY rotate on its own; when this one rotates, list the
# old value in PETITIONS_TRACKING_KEY_FALLBACKS or stored secrets stop matching.
PETITIONS_TRACKING_KEY = env("PETITIONS_TRACKING_KEY", default="")
PETITIONS_TRACKING_KEY_FALLBACKS = env.list("PETITIONS_TRACKING_KEY_FALLBACKS", default=[])
# Key of the HMAC-SHA256 that stores dossiers' lookup PINs (adminreform.pins), as above:
# unset, derived from DJANGO_SECRET_KEY (and SECRET_KEY_FALLBACKS); when it rotates, list the
# old value in ADMINREFORM_PIN_KEY_FALLBACKS or every PIN given before stops working.
ADMINREFORM_PIN_KEY = env("ADMINREFORM_PIN_KEY", default="")
ADMINREFORM_PIN_KEY_FALLBACKS = env.list("ADMINREFORM_PIN_KEY_FALLBACKS", default=[])
# The unit whose subtree citizens can send online petitions to (Hà Nội).
PETITIONS_PUBLIC_ROOT = env("PETITIONS_PUBLIC_ROOT", default="01")

# --- reception ---

# --- adminreform ---
# Online dossier submissions allowed per IP per hour (plus the burst limit above).
ADMINREFORM_SUBMIT_RATE = env.int("ADMINREFORM_SUBMIT_RATE", default=10)

# --- reports ---
# Report periods: "calendar" months, or the "official" cut-off of Decree 09/2019/NĐ-CP
# art. 12 (from the 15th of the month before the period to the 14th of its last month).
REPORTS_PERIOD_CONVENTION = env.str("REPORTS_PERIOD_CONVENTION", default="calendar")
if REPORTS_PERIOD_CONVENTION not in ("calendar", "official"):
    raise ValueError("REPORTS_PERIOD_CONVENTION must be 'calendar' or 'official'.")

# --- security ---
# Second factor for staff (django-otp, TOTP): required for superusers and holders of a reveal
# grant (they turn it on at their next login, core.two_factor), offered to heads and
# administrators, and required of every official with CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF;
# a user with a confirmed device must give its 6-digit code at login.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]  # its middleware is in MIDDLEWARE
OTP_TOTP_ISSUER = env("CIVICDESK_OTP_ISSUER", default="CivicDesk")
CIVICDESK_SECOND_FACTOR_REQUIRED = env.bool("CIVICDESK_SECOND_FACTOR_REQUIRED", default=True)
CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF = env.bool("CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF", default=False)
# Keep a record of every failed staff login (who, from where, when), beyond the lock;
# purged after CIVICDESK_LOGIN_RECORD_DAYS by `manage.py purge_expired --commit`.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The lock lasts 15 minutes from the fifth failure: attempts made while locked are
# refused but do not push the end of the lock further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
CIVICDESK_LOGIN_RECORD_DAYS = env.int("CIVICDESK_LOGIN_RECORD_DAYS", default=365)
# Security events (second-factor enrolment and failures, purges) go to this logger.
LOGGING["loggers"]["civicdesk.security"] = {"level": "INFO"}

# --- api (docs/api.md) ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.Deny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerKeyOrAddressThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CivicDesk API",
    "DESCRIPTION": "Petitions, one-stop dossiers, reception schedules and reports of the People's Committees. "
    "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PetitionStatusEnum": "petitions.models.PetitionStatus",
        "PetitionKindEnum": "core.choices.PetitionKind",
        "DossierStatusEnum": "adminreform.models.DossierStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "ReportKindEnum": "reports.models.ReportKind",
        "SessionKindEnum": "reception.models.SessionKind",
        "UnitKindEnum": "core.models.UnitKind",
    },
}
# Requests an API key may make per minute unless its own limit says otherwise; anonymous
# callers of the public endpoints are counted per address.
API_KEY_RATE_PER_MINUTE = env.int("API_KEY_RATE_PER_MINUTE", default=600)
API_PUBLIC_RATE_PER_MINUTE = env.int("API_PUBLIC_RATE_PER_MINUTE", default=120)
# How long a web worker may answer the same Open311 list from the answer it built (seconds;
# 0: never). A change to listed feedback through the services ends it at once in every worker
# (api.fastpath.ListAnswers); the time bounds what a change made around them (a bulk
# update, a Redis outage at the change) can leave stale.
OPEN311_LIST_SECONDS = env.int("OPEN311_LIST_SECONDS", default=30)
# The public-service portal that receives the one-stop dossiers' status (docs/interop.md):
# empty, nothing is sent. Its bearer token, if it asks for one.
API_PORTAL_URL = env("API_PORTAL_URL", default="")
API_PORTAL_TOKEN = env("API_PORTAL_TOKEN", default="")

# --- the map of feedback (docs/petitions.md, "The map of feedback") ---
# The tile server's URL template ({z}/{x}/{y}, and {s} for its subdomains) and the credit the
# tiles' licence asks for. OpenStreetMap's own server by default (its usage policy asks for
# the site's origin as Referer: the map sends it, nothing more); a province may run its own.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
MAP_TILE_MAX_ZOOM = env.int("MAP_TILE_MAX_ZOOM", default=19)
# Where the map opens: latitude, longitude and zoom (Hà Nội's centre unless set).
MAP_CENTER = env.list("MAP_CENTER", cast=float, default=[21.0285, 105.8542])
if len(MAP_CENTER) != 2:
    raise ImproperlyConfigured("MAP_CENTER is 'latitude,longitude'.")
MAP_ZOOM = env.int("MAP_ZOOM", default=12)
