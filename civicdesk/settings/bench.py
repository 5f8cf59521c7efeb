"""Benchmark settings: `python -m bench.run` (`make bench`) and `generate_city`.

Production-like (base.py, DEBUG off, PostgreSQL, persistent connections, Redis for
the cache and the Celery broker) but served over plain HTTP on the loopback
interface, so the HTTPS-only protections are off. Never use it for a real site:
the secret keys below are public and the per-IP rate limit is off.
"""

import os
import tempfile

os.environ.setdefault("CIVICDESK_SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("CIVICDESK_FIELD_ENCRYPTION_KEY", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civicdesk_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_DEBUG", "false")
# "testserver" lets the harness render a page in-process to EXPLAIN its queries.
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
# Persistent connections: one per gunicorn thread, reused across requests.
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

# Every wrk connection comes from 127.0.0.1: a per-IP limit would turn the
# benchmark into a measurement of the limiter's refusals. The limits are raised
# out of reach rather than switched off, so each request still pays for the
# check (one Redis round trip per counter); CIVICDESK_RATELIMIT_ENABLED = False
# makes the limiters count but refuse nobody.
CIVICDESK_RATELIMIT_ENABLED = False
PETITIONS_FILE_RATE = 1_000_000_000
PETITIONS_TRACK_RATE = 1_000_000_000

# The benchmark never fetches static files; no collectstatic manifest needed.
STATIC_ROOT = os.path.join(tempfile.gettempdir(), "civicdesk-bench-static")
os.makedirs(STATIC_ROOT, exist_ok=True)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
