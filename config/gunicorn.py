"""gunicorn's settings for Buurtmakelaar, read from the environment.

Used by scripts/serve and the Procfile: ``gunicorn -c config/gunicorn.py config.wsgi``.

HOST (default 127.0.0.1: behind a reverse proxy on the same machine; 0.0.0.0 in a
container), PORT (8000), WEB_CONCURRENCY (worker processes, default 2 x cores + 1),
WEB_THREADS (threads per worker, default 1), WEB_TIMEOUT (seconds, default 30).
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("WEB_THREADS") or 1)
# A request that takes longer than this is a bug or an outage: the worker is restarted.
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# No access log: it would print raw paths with ids and query strings. The request log
# (config.middleware.RequestLogMiddleware) prints one line per request without them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The reverse proxy on this machine sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "buurtmakelaar-web"


def post_worker_init(worker):
    """The application is loaded: load the rest and settle the memory (config.warmup)."""
    from config.warmup import worker_ready

    worker_ready()


def post_request(worker, req, environ, resp):
    from config.warmup import request_done

    request_done(worker.nr)
