"""`python -m bench.timed COMMAND ARGS...`: run one management command in this process
and print `TIMED {"seconds": ..., "maxrss_mb": ...}` — the command's own time
(without interpreter and Django start-up) and the process's peak memory."""

import io
import json
import resource
import sys
import time


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command(*argv, stdout=out, stderr=err)
    seconds = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "TIMED "
        + json.dumps({"seconds": seconds, "maxrss_mb": round(maxrss_mb, 1), "stdout_chars": len(out.getvalue())})
    )
    sys.stderr.write(err.getvalue()[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
