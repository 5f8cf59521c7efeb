"""Settings for the fault drills (R1 broker outage, R2 worker killed): the test settings
with a real broker, for the worker processes the drills start.

Celery talks to the Redis named by REDIS_URL (the drill's own server, never the shared
one), tasks are not run eagerly, and the e-mail and SMS gateways are replaced by recorders
that append one line per message to CIVICDESK_EFFECTS_FILE (`bench/recorders.py`).
"""

from .test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "bench.recorders.EmailRecorder"
PETITIONS_SMS_BACKEND = "bench.recorders.SmsRecorder"
