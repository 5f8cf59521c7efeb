"""R4: no task is scheduled further ahead than the broker's visibility timeout (Redis
would deliver it again to another worker); long waits go through stored due dates
and periodic sweeps. And every beat entry names a task that exists."""

import ast
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab, schedule, solar
from django.conf import settings

from civicdesk.celery import app

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "venv", "node_modules", "staticfiles", "media", "tests", ".git", "test-artifacts"}
DELAY_KEYWORDS = {"countdown", "eta", "default_retry_delay", "retry_backoff_max"}


class Unknown(Exception):
    pass


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    return {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def seconds_of(node: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> float:
    """The delay an expression stands for, in seconds: numbers, arithmetic, module constants,
    `settings.X`, and `timedelta(...)` (for `eta=now() + timedelta(...)` the timedelta part)."""
    if depth > 10:
        raise Unknown
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in constants:
        return seconds_of(constants[node.id], constants, depth + 1)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "settings":
        value = getattr(settings, node.attr)
        return value.total_seconds() if isinstance(value, timedelta) else float(value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -seconds_of(node.operand, constants, depth + 1)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "timedelta":
            kwargs = {k.arg: seconds_of(k.value, constants, depth + 1) for k in node.keywords if k.arg}
            args = [seconds_of(a, constants, depth + 1) for a in node.args]
            return timedelta(*args, **kwargs).total_seconds()
        if name in {"now", "utcnow", "localtime"}:
            return 0.0  # eta = now() + delay: the delay is what counts
        if name == "min":  # a capped backoff: min(2 ** retries * 60, MAX_DELAY) is at most its known cap
            known = []
            for arg in node.args:
                try:
                    known.append(seconds_of(arg, constants, depth + 1))
                except Unknown:
                    continue
            if known:
                return min(known)
        raise Unknown
    if isinstance(node, ast.BinOp):
        left = seconds_of(node.left, constants, depth + 1)
        right = seconds_of(node.right, constants, depth + 1)
        ops = {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right, ast.Pow: left**right}
        if type(node.op) in ops:
            return ops[type(node.op)]
        if isinstance(node.op, ast.Div | ast.FloorDiv) and right:
            return left / right
    raise Unknown


def scheduled_delays(source: str) -> list[tuple[int, str, float | None]]:
    """(line, keyword, seconds or None when it cannot be worked out) for each delay in the source."""
    tree = ast.parse(source)
    constants = module_constants(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in DELAY_KEYWORDS:
                    try:
                        found.append((node.lineno, keyword.arg, seconds_of(keyword.value, constants)))
                    except Unknown:
                        found.append((node.lineno, keyword.arg, None))
    return found


def project_sources() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts[:-1]) and "migrations" not in path.parts
    ]


def test_the_scanner_sees_the_delays_it_must_see():
    source = """
from datetime import timedelta
from django.utils import timezone
RETRY = 10 * 60
send.apply_async(args=[1], countdown=30)
send.apply_async(countdown=RETRY)
send.apply_async(eta=timezone.now() + timedelta(hours=2))
self.retry(countdown=2 ** attempts)
self.retry(countdown=min(2 ** self.request.retries * 60, RETRY * 2))
"""
    assert scheduled_delays(source) == [
        (5, "countdown", 30.0),
        (6, "countdown", 600.0),
        (7, "eta", 7200.0),
        (8, "countdown", None),
        (9, "countdown", 1200.0),
    ]


def test_the_visibility_timeout_is_set_and_longer_than_the_task_time_limit():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > settings.CELERY_TASK_TIME_LIMIT


def test_no_task_is_scheduled_beyond_the_brokers_visibility_timeout():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    sources = project_sources()
    assert any(p.name == "celery.py" for p in sources), "the scan must cover the project"
    problems = []
    for path in sources:
        for line, keyword, seconds in scheduled_delays(path.read_text(encoding="utf-8")):
            where = f"{path.relative_to(ROOT)}:{line} {keyword}="
            if seconds is None:
                problems.append(f"{where} cannot be checked: use a number, a module constant or a setting")
            elif seconds >= timeout:
                problems.append(f"{where} is {seconds:.0f} s, not below the visibility timeout of {timeout} s")
    assert not problems, "Store a due date and sweep for it instead:\n" + "\n".join(problems)


def unregistered_beat_entries(beat_schedule: dict, registered: set[str]) -> list[str]:
    return sorted(name for name, entry in beat_schedule.items() if entry.get("task") not in registered)


def test_the_beat_check_catches_a_misspelt_task():
    beat = {"ok": {"task": "celery.backend_cleanup"}, "typo": {"task": "petitions.tasks.sweep_overdeu"}}
    assert unregistered_beat_entries(beat, {"celery.backend_cleanup"}) == ["typo"]


def test_every_beat_entry_names_a_registered_task_on_a_real_schedule():
    app.loader.import_default_modules()  # imports every installed app's tasks.py
    registered = set(app.tasks.keys())
    beat_schedule = app.conf.beat_schedule
    assert unregistered_beat_entries(beat_schedule, registered) == []
    for name, entry in beat_schedule.items():
        assert isinstance(entry["schedule"], crontab | schedule | solar | timedelta | int | float), name
