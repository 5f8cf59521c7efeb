"""The Celery application. The beat schedule lives here, in code.

Each app contributes its periodic tasks in `CELERY_BEAT_SCHEDULE` below; tasks are
discovered from every installed app's `tasks.py`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings.dev")

app = Celery("civicdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule, one section per app (each entry with a crontab.guru link).
app.conf.beat_schedule = {}

# --- petitions ---

# --- reception ---

# --- adminreform ---

# --- reports ---
