"""Heartbeats of the Celery worker and beat in the shared cache, so that `/health/` sees a dead one.

Three times are kept, each written by the process it vouches for:

- `beat`: beat's scheduler (`HeartbeatScheduler`, CELERY_BEAT_SCHEDULER) notes every tick; beat
  ticks at least every HEARTBEAT_SECONDS, because the heartbeat task is scheduled that often;
- `worker`: each worker notes the time every HEARTBEAT_SECONDS from its own timer (the bootstep
  in registry.celery), whether or not beat runs, so a dead beat and a dead worker are told apart;
- `control`: the heartbeat task (cases.tasks.task_heartbeat), sent by beat to the `control`
  queue, notes when a worker last took a task from that queue: a worker that is up but does not
  consume `control` (started without `-Q celery,control`, or stuck) shows here.

The cache is Redis (CACHE_URL) in production, shared by the web processes, the worker and beat.
Owns: the heartbeat keys. May import: Django's cache and Celery, nothing of the registry's apps.
"""

import logging
import time

from celery.beat import PersistentScheduler
from django.core.cache import cache

logger = logging.getLogger(__name__)

BEAT, WORKER, CONTROL = "beat", "worker", "control"
HEARTBEAT_SECONDS = 20
_KEY = "liveness:{}"


def record(component: str, now: float | None = None) -> None:
    """Note that `component` is alive now. A cache that does not answer is logged, never raised:
    a heartbeat must not stop the process it reports on (health then sees the heartbeat age)."""
    try:
        cache.set(_KEY.format(component), time.time() if now is None else now, timeout=None)
    except Exception as exc:
        logger.warning("liveness: could not record the %s heartbeat (%s)", component, type(exc).__name__)


def last_seen(component: str) -> float | None:
    """When `component` last reported (Unix seconds), or None if never (or the key was lost)."""
    value = cache.get(_KEY.format(component))
    return float(value) if value is not None else None


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's default scheduler, noting every tick as beat's heartbeat."""

    def tick(self, *args, **kwargs):
        record(BEAT)
        return super().tick(*args, **kwargs)
