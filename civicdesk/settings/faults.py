"""Settings for the fault drills (R1 broker outage, R2 worker killed): the test settings
with a real broker, for the worker processes the drills start.

Celery talks to the Redis named by REDIS_URL (the drill's own server, never the shared
one), tasks are not run eagerly, and the e-mail and SMS gateways are replaced by recorders
that append one line per message to CIVICDESK_EFFECTS_FILE (`bench/recorders.py`).
"""

import os

from .test import *  # noqa: F403
from .test import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "bench.recorders.EmailRecorder"
PETITIONS_SMS_BACKEND = "bench.recorders.SmsRecorder"

# The R2 drill that kills a whole worker shortens Redis' visibility timeout (1 hour in
# production) so that the messages the dead worker held come back within the drill, and
# looks for them every 10 s.
if os.environ.get("CIVICDESK_DRILL_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["CIVICDESK_DRILL_VISIBILITY_TIMEOUT"]),
        "unacked_restore_throttle": 1,
    }
