"""The moving parts the fault suite starts, breaks and restarts: a Redis server of its own, Celery
worker and beat processes against the test database, and a partner's webhook receiver.

Nothing here touches the machine's shared Redis or PostgreSQL server: the Redis server listens on
a free port of its own and is stopped and emptied at will; the database is the test database.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
from django.db import connection

from cases.risk import alerts

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class OwnRedis:
    """A redis-server on a free port, without persistence: a restart comes back empty."""

    def __init__(self, directory: Path):
        if not shutil.which("redis-server"):
            raise RuntimeError("the fault suite needs redis-server")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.restarts = 0

    def start(self) -> "OwnRedis":
        subprocess.run(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "yes"),
                *("--dir", str(self.directory), "--pidfile", str(self.directory / "redis.pid")),
                *("--logfile", str(self.directory / "redis.log")),
            ],
            check=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        if not wait_for(self._answers, timeout=10, interval=0.05):
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        client.close()
        return self

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Shut down without saving: everything queued in it is gone."""
        with contextlib.suppress(redis.ConnectionError):  # it closes the connection as it exits
            redis.Redis(port=self.port, socket_connect_timeout=1).shutdown(nosave=True)
        wait_for(lambda: not self._answers(), timeout=10, interval=0.05)

    def restart_empty(self) -> None:
        self.start()
        self.restarts += 1


def test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class CeleryProcess:
    """`celery worker` or `celery beat` in a process group of its own (so a SIGKILL takes its pool)."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name, self.args, self.env, self.log_dir = name, args, env, log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0

    def start(self) -> "CeleryProcess":
        self.starts += 1
        log = (self.log_dir / f"{self.name}-{self.starts}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "registry", *self.args, "-l", "warning"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost host would: no shutdown, no acks."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.running():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-tail:]}"
            for path in sorted(self.log_dir.glob(f"{self.name}-*.log"))
        )


def celery_env(redis_url: str, *, sweep_seconds: int) -> dict:
    """The worker's and beat's settings: the test database, the own Redis as broker (0) and cache (1)."""
    return dict(os.environ) | {
        "REGISTRY_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "CACHE_URL": f"{redis_url}/1",
        "RISK_SWEEP_SECONDS": str(sweep_seconds),
        "WEBHOOK_RETRY_SECONDS": str(sweep_seconds),
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


class Partner:
    """A partner's webhook receiver: keeps every delivery it gets, checks its signature, and can be
    made slow (so that a worker killed meanwhile leaves the delivery unrecorded and sends it again)."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: dict[str, list[bytes]] = defaultdict(list)
        self.bad_signatures = 0
        self.slow = threading.Event()
        self.in_flight = threading.Event()
        self.lock = threading.Lock()
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the name http.server calls)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                partner.in_flight.set()
                if partner.slow.is_set():
                    time.sleep(3)
                partner.receive(self.headers, body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/registry-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "Partner":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def receive(self, headers, body: bytes) -> None:
        valid = alerts.verify_signature(
            secret=self.secret,
            timestamp=headers.get(alerts.TIMESTAMP_HEADER, ""),
            body=body,
            signature=headers.get(alerts.SIGNATURE_HEADER, ""),
        )
        delivery_id = headers.get(alerts.DELIVERY_HEADER, "")
        with self.lock:
            if not valid or json.loads(body).get("delivery_id") != delivery_id:
                self.bad_signatures += 1
                return
            self.received[delivery_id].append(body)

    def duplicates(self) -> int:
        """Deliveries received more than once: at-least-once delivery, removed by the id."""
        with self.lock:
            return sum(len(bodies) - 1 for bodies in self.received.values())

    def conflicting_duplicates(self) -> int:
        """Ids received with different bodies: a partner could not tell which to keep."""
        with self.lock:
            return sum(1 for bodies in self.received.values() if len(set(bodies)) > 1)
