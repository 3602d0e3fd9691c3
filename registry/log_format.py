"""Structured logs: one JSON object per line, for journald and whatever collects it.

Selected by `LOG_FORMAT=json` (the production default; `plain` elsewhere). Every line has `time`
(UTC, ISO 8601), `level`, `logger` and `message`, and then what the record carries:

- a request's `method` and `path` (never its query string, which may hold a searched-for name,
  nor any header) and the response's `status_code`, as Django's `django.request` records have;
- the running Celery task's `task` and `task_id`, and what `registry.celery` adds when a task
  ends (`duration_ms`, `state`); never a task's arguments or result, which Celery's own records
  carry in `data`;
- any other `extra={...}` field the call gave;
- `exception`: the traceback, when there is one.

No address is ever written: `registry.log_filters.RedactAddresses` stays on every handler, and
this formatter also runs every string it writes (extra fields and tracebacks included, which the
filter does not see) through the same redaction.
"""

import datetime
import json
import logging

from registry.log_filters import redact_addresses

# What every LogRecord has; anything else on a record was given by the caller as `extra`.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Extra attributes that are never written as they are: the request (its method and path are),
# the development server's socket, and Django's duplicate of the status.
_NOT_WRITTEN = frozenset({"request", "server_time"})


def _safe(value):
    """A JSON-ready copy of an extra value, every string in it without addresses."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_addresses(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _safe(item) for key, item in value.items()}
    return redact_addresses(str(value))


def _current_task():
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a requirement
        return None
    task = current_task
    if not task or getattr(task.request, "id", None) is None:
        return None
    return task


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_addresses(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path") and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = redact_addresses(request.path)
        task = _current_task()
        if task is not None:
            entry["task"] = task.name
            entry["task_id"] = task.request.id
        celery_data = getattr(record, "data", None) if record.name.startswith("celery.") else None
        if isinstance(celery_data, dict):
            # Celery's own records carry the task's arguments and result in `data`: only what
            # names and times the task is written.
            entry.setdefault("task", celery_data.get("name"))
            entry.setdefault("task_id", celery_data.get("id"))
            if isinstance(celery_data.get("runtime"), int | float):
                entry["duration_ms"] = round(celery_data["runtime"] * 1000, 1)
        for key, value in record.__dict__.items():
            if key == "data" and celery_data is not None:
                continue
            if key not in _RECORD_ATTRIBUTES and key not in _NOT_WRITTEN and key not in entry:
                entry[key] = _safe(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = redact_addresses(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact_addresses(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
