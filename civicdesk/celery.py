"""The Celery application. The beat schedule lives here, in code.

Tasks are discovered from every installed app's `tasks.py`; each app's periodic tasks have a
section of `beat_schedule` below, each entry with a crontab.guru link.
"""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings.dev")

app = Celery("civicdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # --- core ---
    # Retention purge every night at 01:30 (https://crontab.guru/#30_1_*_*_*).
    "purge-expired": {"task": "core.purge_expired", "schedule": crontab(minute=30, hour=1)},
    # The outbox sweeper (core.outbox): every 15 seconds (an interval, not a crontab: cron
    # cannot go below a minute). After a broker outage every waiting message goes out within
    # a minute of the broker's return; an idle sweep is one query per outbox on a partial index.
    "outbox-sweep": {"task": "core.tasks.outbox_sweep_task", "schedule": timedelta(seconds=15)},
    # --- petitions ---
    # Deadline reminders and escalations: https://crontab.guru/#0_7_*_*_*  (07:00 every day)
    "petitions-deadline-sweep": {
        "task": "petitions.tasks.deadline_sweep_task",
        "schedule": crontab(minute=0, hour=7),
    },
    # --- adminreform ---
    # Every day at 07:00: warn units of dossiers due on the next working day without an apology.
    # https://crontab.guru/#0_7_*_*_*
    "adminreform-dossier-due-sweep": {
        "task": "adminreform.tasks.dossier_due_sweep_task",
        "schedule": crontab(minute=0, hour=7),
    },
    # --- reports ---
    # Every unit's draft of each period that ended yesterday (calendar and official 15th-14th
    # quarters, six and nine months, years), at 02:00 every day: https://crontab.guru/#0_2_*_*_*
    "reports-compile-closed-periods": {
        "task": "reports.tasks.reports_compile_closed_periods_task",
        "schedule": crontab(minute=0, hour=2),
    },
    # Compile jobs lost to a broker outage are handed over again: https://crontab.guru/#*/5_*_*_*_*
    "reports-requeue-stalled": {
        "task": "reports.tasks.reports_requeue_stalled_task",
        "schedule": crontab(minute="*/5"),
    },
}
