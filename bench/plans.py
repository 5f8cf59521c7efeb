"""Reading the plans of the statements a page runs: the benchmark's EXPLAINs (`bench.run`) and
the plan tests (`tests/perf/test_plans.py`) share these, so that "a big table read through an
index" means the same in both.

A prepared statement (core.prepared) shows in Django's captured queries as its execution,
`EXECUTE name(…)`: `as_run` finds the query it runs, and EXPLAIN takes the execution itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection

# The tables whose sequential scan at city scale would break a figure (docs/performance.md).
BIG_TABLES = ("adminreform_dossier", "petitions_petition", "petitions_case", "reception_visit")

_EXECUTE = re.compile(r"EXECUTE (?P<name>[a-z_][a-z0-9_]*)(\([^;]*\))?\s*$")


def as_run(sql: str) -> tuple[str, str]:
    """A statement as captured (Django's CaptureQueriesContext) → (the query it runs, what to
    write after EXPLAIN). The execution of a prepared statement runs the query prepared under
    its name on this connection (read from pg_prepared_statements) and is explained as
    `EXECUTE name(…)`; any other statement is itself twice."""
    match = _EXECUTE.search(sql)
    if match is None or connection.vendor != "postgresql":
        return sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [match["name"]])
        row = cursor.fetchone()
    return (str(row[0]) if row else sql), match.group(0)


def reads_of(captured: Sequence[dict[str, Any]], tables: Sequence[str] = BIG_TABLES) -> list[tuple[str, str]]:
    """The statements among `captured` (Django's CaptureQueriesContext) that read any of
    `tables`, each as `as_run` gives it: (the query it runs, what to write after EXPLAIN)."""
    found = []
    for query in captured:
        run, explain = as_run(query["sql"])
        if run.lstrip().upper().startswith(("SELECT", "PREPARE")) and any(t in run for t in tables):
            found.append((run, explain))
    return found
