"""Local development: `make run`. SQLite and eager Celery unless the environment says otherwise."""

import os

# Development-only values, set before base reads them. Never used in production,
# which runs base.py with its own environment.
os.environ.setdefault("CIVICDESK_SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
os.environ.setdefault("CIVICDESK_FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTAxMjM0NTY3ODlhYmM=")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")

from .base import *  # noqa: F403

WHITENOISE_AUTOREFRESH = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
