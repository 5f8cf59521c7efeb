"""Stand-in gateways for the fault drills: every e-mail and SMS "sent" is one JSON line
appended to the file named by CIVICDESK_EFFECTS_FILE, so that a drill running real worker
processes can count afterwards what went out, and how often.

One `os.write` of one line on a file opened with O_APPEND: lines from several processes
never interleave. Used by `civicdesk.settings.faults` (never in production).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


def _append(record: dict[str, Any]) -> None:
    """Record one message. CIVICDESK_EFFECT_DELAY_MS makes each "send" take that long (a real
    gateway's round trip), so that a drill can kill a worker in the middle of sending."""
    delay_ms = int(os.environ.get("CIVICDESK_EFFECT_DELAY_MS", "0"))
    if delay_ms:
        time.sleep(delay_ms / 1000)
    path = os.environ["CIVICDESK_EFFECTS_FILE"]
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


class EmailRecorder(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            _append({"channel": "email", "to": list(message.to), "subject": message.subject, "body": message.body})
        return len(email_messages)


class SmsRecorder:
    """Takes what core.sms.SmsBackend takes, `request_id` (the outbox row's name) included."""

    def send(self, *, to: str, body: str, request_id: str = "") -> None:
        _append({"channel": "sms", "to": [to], "body": body, "request_id": request_id})


def read_effects(path: str | Path) -> list[dict[str, Any]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def duplicates(effects: list[dict[str, Any]], key: Any) -> dict[Any, int]:
    """Keys (built by `key(effect)`) seen more than once."""
    counts = Counter(key(e) for e in effects)
    return {k: n for k, n in counts.items() if n > 1}
