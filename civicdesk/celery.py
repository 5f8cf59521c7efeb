"""The Celery application. The beat schedule lives here, in code.

Each app contributes its periodic tasks in `CELERY_BEAT_SCHEDULE` below; tasks are
discovered from every installed app's `tasks.py`.
"""

import os
from datetime import timedelta

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings.dev")

app = Celery("civicdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule, one section per app (each entry with a crontab.guru link).
app.conf.beat_schedule = {}

# --- core ---
from celery.schedules import crontab  # noqa: E402

# Retention purge every night at 01:30 (https://crontab.guru/#30_1_*_*_*).
app.conf.beat_schedule["purge-expired"] = {"task": "core.purge_expired", "schedule": crontab(minute=30, hour=1)}

# --- petitions ---
from celery.schedules import crontab  # noqa: E402

# Outbox sweeper: every 15 seconds (an interval, not a crontab: cron cannot go below a
# minute). After a broker outage every waiting notification goes out within a minute of the
# broker's return (issue 8, R1); an idle sweep is one query on a partial index.
app.conf.beat_schedule["petitions-outbox-sweep"] = {
    "task": "petitions.tasks.notification_sweep_task",
    "schedule": timedelta(seconds=15),
}
# Deadline reminders and escalations: https://crontab.guru/#0_7_*_*_*  (07:00 every day)
app.conf.beat_schedule["petitions-deadline-sweep"] = {
    "task": "petitions.tasks.deadline_sweep_task",
    "schedule": crontab(minute=0, hour=7),
}

# --- reception ---

# --- adminreform ---
# Every day at 07:00: warn units of dossiers due on the next working day without an apology.
# https://crontab.guru/#0_7_*_*_*
from celery.schedules import crontab  # noqa: E402

app.conf.beat_schedule["adminreform-dossier-due-sweep"] = {
    "task": "adminreform.tasks.dossier_due_sweep_task",
    "schedule": crontab(minute=0, hour=7),
}

# --- reports ---
from celery.schedules import crontab  # noqa: E402

# Every unit's quarterly report, at 02:00 on the 1st of Jan, Apr, Jul and Oct:
# https://crontab.guru/#0_2_1_1,4,7,10_*
app.conf.beat_schedule["reports-compile-last-quarter"] = {
    "task": "reports.tasks.reports_compile_last_quarter_task",
    "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
}
# Compile jobs lost to a broker outage are handed over again: https://crontab.guru/#*/5_*_*_*_*
app.conf.beat_schedule["reports-requeue-stalled"] = {
    "task": "reports.tasks.reports_requeue_stalled_task",
    "schedule": crontab(minute="*/5"),
}
