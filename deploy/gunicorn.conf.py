"""Gunicorn settings for the web process, all from the environment.

    gunicorn -c deploy/gunicorn.conf.py cms.wsgi

Every setting has a default fit for one 2-4 core server behind nginx on the
same host. ``preload_app`` stays off: each worker imports the code itself, so
``kill -HUP <master>`` starts workers on the new release while the old ones
finish their requests (a rolling restart, docs/deployment.md).
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


# Where to listen: nginx proxies to this address (deploy/nginx/stdv.conf).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: 2 × cores + 1 by default, the usual figure for a database-bound app.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request running longer than this is killed (uploads and exports included).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On HUP or TERM, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after about this many requests (jitter so they do not
# all restart at once): bounds the damage of a slow memory leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
preload_app = False
# X-Forwarded-Proto is believed only from these addresses (nginx on this host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "stdv-web")

# Logs to stdout/stderr (journald or the process manager keeps them). The
# access log is one JSON object a line, with nginx's request id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time": "%(t)s", "remote": "%({x-forwarded-for}i)s", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "request_id": "%({x-request-id}i)s", "agent": "%(a)s"}'
)
