"""gunicorn settings for Newsroom: ``gunicorn -c gunicorn.conf.py``.

Every value comes from the environment so one file serves a laptop, the
benchmark and production:

    GUNICORN_BIND                 address(es) to listen on, comma-separated (default 127.0.0.1:8000;
                                  behind a reverse proxy keep it on loopback or a unix socket)
    WEB_CONCURRENCY               worker processes (default 4; about 2 per core)
    GUNICORN_TIMEOUT              seconds before a stuck worker is killed and replaced (default 30)
    GUNICORN_MAX_REQUESTS         requests a worker serves before it is replaced (default 5000, 0 = never)
    GUNICORN_MAX_REQUESTS_JITTER  random spread on that number (default 500)
    GUNICORN_ACCESS_LOG           file for the access log, "-" for stdout; unset = no access log
    GUNICORN_LOG_LEVEL            error log level (default info)
"""

import os

wsgi_app = "newsroom.wsgi:application"

bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address]

# Sync workers: every request is short and bound by the database or the page
# cache; a process per request in flight keeps a slow page from stalling others.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30

# Replacing workers now and then caps the damage of a slow memory leak; the
# jitter keeps them from all restarting in the same second.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# The reverse proxy logs every request already; a second access log on a busy
# day costs disk and CPU for nothing. Turn it on when debugging.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The worker heartbeat file on a RAM disk: a slow disk cannot make the master
# believe a healthy worker hung.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented choice, not a temp file of ours
    worker_tmp_dir = "/dev/shm"  # noqa: S108
