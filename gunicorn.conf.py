"""gunicorn's settings for CivicDesk: the server model measured in docs/performance.md.

gunicorn reads this file from the working directory (`gunicorn civicdesk.wsgi` run from the
project's root); `make bench` starts its server with it. Flags on the command line, or in
GUNICORN_CMD_ARGS, win over it (for example `--workers 5` on a 4-core machine).
"""

wsgi_app = "civicdesk.wsgi:application"

# Threads overlap the waits on PostgreSQL and Redis; one process per core plus one keeps the
# cores busy while a process waits. Each thread holds one persistent database connection, so
# PostgreSQL sees at most workers × threads connections from the portal.
worker_class = "gthread"
workers = 3
threads = 4

# Every worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
# over them. On one shared socket the workers race for each connection, and kept-alive clients
# piled up on one or two of them: 16 connections were seen split 0/1/15 and 64 split 1/31/32,
# leaving a worker idle while the others queued requests (docs/performance.md, fourth pass).
reuse_port = True
keepalive = 5
backlog = 2048

timeout = 30
graceful_timeout = 5
