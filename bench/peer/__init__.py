"""The peer: django-helpdesk measured beside CivicDesk by `make bench` (issue 22).

`settings`, `urls`, `mail` and `seed` run inside the peer's own virtualenv (django-helpdesk,
gunicorn and psycopg2 only; nothing of CivicDesk is importable there). `harness` runs in
CivicDesk's and installs, seeds, serves and stops the peer. See docs/performance.md.
"""
