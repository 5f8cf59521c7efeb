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
from celery.schedules import crontab  # noqa: E402

# Outbox sweeper: https://crontab.guru/#*_*_*_*_*  (every minute)
app.conf.beat_schedule["petitions-outbox-sweep"] = {
    "task": "petitions.tasks.notification_sweep_task",
    "schedule": crontab(minute="*"),
}
# Deadline reminders and escalations: https://crontab.guru/#0_7_*_*_*  (07:00 every day)
app.conf.beat_schedule["petitions-deadline-sweep"] = {
    "task": "petitions.tasks.deadline_sweep_task",
    "schedule": crontab(minute=0, hour=7),
}

# --- reception ---

# --- adminreform ---

# --- reports ---
