"""The Celery application. Tasks live in each app's tasks.py and are found automatically."""

import logging
import logging.config
import os
import time

from celery import Celery, bootsteps, signals

from registry import liveness

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every worker notes it is alive every HEARTBEAT_SECONDS from its own timer (registry.liveness),
    independently of beat, so /health/ can tell a dead worker from a dead beat."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        liveness.record(liveness.WORKER)
        self.timer_entry = worker.timer.call_repeatedly(
            liveness.HEARTBEAT_SECONDS, liveness.record, (liveness.WORKER,)
        )

    def stop(self, worker):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None


app.steps["worker"].add(WorkerHeartbeat)

task_logger = logging.getLogger("registry.tasks")
_started: dict[str, float] = {}


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log through settings.LOGGING, like the web processes: the same format
    (LOG_FORMAT) and the same address filter on every handler. Connecting this signal stops
    Celery from installing its own handlers (its `-l` option no longer sets the level: LOG_LEVEL does)."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def _note_task_start(task_id=None, task=None, **kwargs):
    if task is not None and not task.request.is_eager:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def log_task_duration(task_id=None, task=None, state=None, **kwargs):
    """One line per task a worker ran, with its name and duration (never its arguments or result).
    Tasks run in-process (no broker) are part of the request that queued them and are not logged."""
    started = _started.pop(task_id, None)
    if started is None:
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    task_logger.info(
        "task %s %s in %.1f ms",
        task.name,
        state or "finished",
        duration_ms,
        extra={"task": task.name, "task_id": task_id, "duration_ms": duration_ms, "state": state},
    )
