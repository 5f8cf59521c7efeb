"""Settings of the peer (django-helpdesk) for `make bench`, written for this benchmark.

A production-like site as helpdesk's install guide builds one (DEBUG off, PostgreSQL with
persistent connections, the public submission and public ticket view on), served on the
loopback interface over plain HTTP. E-mail is built but never sent (`bench.peer.mail`). The
database comes from PEER_DATABASE_URL's parts; the secret key is public: never a real site.
"""

import os

DEBUG = False
SECRET_KEY = "peer-bench-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the seed's in-process client
ROOT_URLCONF = "bench.peer.urls"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PEER_DATABASE", "civicdesk_bench_peer"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        # As CivicDesk's bench settings: one persistent connection per thread, checked per request.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(os.environ.get("PEER_HOME", "/tmp"), "static")  # noqa: S108
MEDIA_ROOT = os.path.join(os.environ.get("PEER_HOME", "/tmp"), "media")  # noqa: S108
LOGIN_URL = "helpdesk:login"

# Every message is built as it would be for SMTP, then dropped: nothing leaves the machine.
EMAIL_BACKEND = "bench.peer.mail.BuiltNotSent"
DEFAULT_FROM_EMAIL = "helpdesk@localhost"

# helpdesk: anonymous people submit tickets and read them with the link they are given. Teams
# mode needs the optional pinax-teams package, so it is off; the knowledge base stays on (its
# URLs are only defined with it) and has no category, so the public pages list none.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
HELPDESK_VIEW_A_TICKET_PUBLIC = True
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False
HELPDESK_ANON_ACCESS_RAISES_404 = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
