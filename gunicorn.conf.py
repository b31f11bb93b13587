"""gunicorn settings for production (docs/deploy.md); every value can be set from the environment.

    gunicorn -c gunicorn.conf.py uvisa.wsgi

TLS ends at the reverse proxy in front; gunicorn listens on a private address only.
"""

from __future__ import annotations

import multiprocessing
import os
import socket


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are short database-bound requests; 2 x cores + 1 keeps both
# cores busy while some workers wait for PostgreSQL.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)  # signing a form takes about a second; uploads more
graceful_timeout = 30
keepalive = 5
# Memory stays flat (docs/performance.md), so workers are not recycled by default;
# set GUNICORN_MAX_REQUESTS (e.g. 5000) to recycle them anyway.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
preload_app = True  # a broken configuration fails at start, not on the first request
limit_request_line = 8190
# The proxy's address(es): only they may set X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Receive buffer of each connection (bytes; 0 keeps the kernel's). A request refused before its
# body is read (/verify/ over the rate limit or too large, docs/security.md finding 5) still
# makes the kernel accept what the client pushed into the buffer, up to several megabytes on a
# fast link; a small buffer bounds that copy. Behind the proxy on the same host the window
# never limits real uploads.
receive_buffer = _int("GUNICORN_RCVBUF", 256 * 1024)


def when_ready(server: object) -> None:
    if receive_buffer:
        for listener in getattr(server, "LISTENERS", []):
            listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)


# One JSON object per line on stderr (uvisa/logs.py); no query strings.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "uvisa.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {
            "handlers": ["console"] if accesslog else [],
            "level": "INFO" if accesslog else "WARNING",
            "propagate": False,
        },
    },
}
