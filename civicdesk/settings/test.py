"""Test settings: SQLite in memory unless DATABASE_URL is set (CI sets PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("CIVICDESK_SITE_URL", "http://testserver")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("CIVICDESK_FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")


def _redis_db_per_worker() -> None:
    """`make test` runs the suite on parallel workers (pytest-xdist), each with its own test
    database (pytest-django adds the suffix) and, here, its own Redis database: the tests clear
    the cache between them, which must not wipe another worker's counters. Worker n uses the
    configured database number minus n (CI's 15 gives 15, 14, ...)."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url):
        return
    base, _, db = url.rstrip("/").rpartition("/")
    number = int(db) if db.isdigit() else 0
    if not db.isdigit():
        base = url.rstrip("/")
    os.environ["REDIS_URL"] = f"{base}/{(number - int(worker[2:])) % 16}"


_redis_db_per_worker()

from .base import *  # noqa: E402, F403
from .base import DATABASES, STORAGES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), "civicdesk-test-media")
STATIC_ROOT = os.path.join(tempfile.gettempdir(), "civicdesk-test-static")
os.makedirs(STATIC_ROOT, exist_ok=True)
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process in tests even where CI sets REDIS_URL; the tests that exercise
# the real broker (an unreachable one included) point Celery at it themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Tests log superusers in with force_login all over; the tests of the requirement turn it on.
CIVICDESK_SECOND_FACTOR_REQUIRED = False
