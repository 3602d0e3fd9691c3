"""gunicorn's settings for the registry (docs/deploy.md).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py registry.wsgi:application

nginx in front terminates TLS and buffers slow clients, so gunicorn listens on loopback only.
The GUNICORN_* variables (in /etc/registry/env) override the defaults below.

No visitor's address is logged (docs/security.md, "Logs and IP addresses"): the access log's
format has no `%(h)s` and no forwarded-for header, and the registry's address filter is put on
gunicorn's own loggers, whose warnings ("Invalid request from ip=...") would name one.
"""

import importlib.util
import logging
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"{name} must be a whole number of at least 1; got {raw!r}")
    return int(raw)


wsgi_app = "registry.wsgi:application"
chdir = str(ROOT)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sized for a 2-core server by measurement (bench/load_test.sh, README "Load"): 5 processes
# (2 x cores + 1) of 2 threads answered the person page 1.6 times as fast as 2 x 4 and as fast as
# 5 sync workers, and threads keep a streamed export or a slow upload from holding a whole
# process. Memory: about 150 MB a process.
worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", 5)
threads = _env_int("GUNICORN_THREADS", 2)
# A request still running after this many seconds is killed with its worker (nginx waits 75 s).
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows for long.
max_requests = 1000
max_requests_jitter = 100
# systemd manages the processes (restart, reload with HUP): no control socket in $HOME, which is
# not writable under the unit's ProtectSystem=strict anyway.
control_socket_disable = True

# Both logs go to stdout/stderr, which systemd hands to the journal.
accesslog = "-"
# Time, method, path without the query string (it may hold a name someone searched for), status,
# bytes, milliseconds. Never %(h)s, %({x-forwarded-for}i)s, %(f)s or %(a)s.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def _redact_filter() -> logging.Filter:
    # Loaded from its file so that the master process does not import the registry package (and
    # Celery with it); the workers import the application after they fork.
    spec = importlib.util.spec_from_file_location(
        "registry_log_filters", ROOT / "registry" / "log_filters.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RedactAddresses()


_redact = _redact_filter()
for _name in ("gunicorn.error", "gunicorn.access"):
    _logger = logging.getLogger(_name)
    # A configuration reload reads this file again: one filter is enough.
    for _old in [f for f in _logger.filters if type(f).__name__ == "RedactAddresses"]:
        _logger.removeFilter(_old)
    _logger.addFilter(_redact)
