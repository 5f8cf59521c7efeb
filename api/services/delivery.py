"""Sending one JSON POST to another system, as the outbox's senders do: a 2xx is delivered; a
4xx other than 408 and 429 is refused for good (`Undeliverable`, kept in the log); anything
else (5xx, a timeout, a refused connection) is tried again later with a growing wait."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from core.outbox import Undeliverable

TIMEOUT_S = 10
KEPT_ANSWER = 2000  # characters of the receiver's answer kept in the log


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


class RetryLater(Exception):
    pass


def post_json(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_S) -> Answer:
    request = urllib.request.Request(  # noqa: S310  # the address is an administrator's setting
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, response.read(KEPT_ANSWER).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        answer = Answer(exc.code, exc.read(KEPT_ANSWER).decode("utf-8", "replace"))
        if 400 <= exc.code < 500 and exc.code not in (408, 429):
            raise Undeliverable(f"HTTP {answer.status}: {answer.body}") from None
        raise RetryLater(f"HTTP {answer.status}: {answer.body}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise RetryLater(f"{type(exc).__name__}: {exc}") from None


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
