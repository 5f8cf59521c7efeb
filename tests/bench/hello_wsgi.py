"""The smallest WSGI application gunicorn can serve: `/` answers 200, anything else 404. The
interruption tests start the harness's real server helper with it (no database, no Django)."""

from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    found = environ.get("PATH_INFO") == "/"
    start_response("200 OK" if found else "404 Not Found", [("Content-Type", "text/plain")])
    return [b"ok" if found else b"no"]
