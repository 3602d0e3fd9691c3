"""LOG_FORMAT=json: one JSON object per line, with the record's fields and never an address."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import RequestFactory

from registry import celery as registry_celery
from registry.log_filters import RedactAddresses
from registry.log_format import JSONFormatter

ROOT = Path(__file__).resolve().parents[2]
ADDRESSES = ("203.0.113.7", "198.51.100.23", "2001:db8::1")


@pytest.fixture
def json_log():
    """A logger writing through a handler set up as settings.LOGGING's, in the JSON format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactAddresses())
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("registry.test_log_format")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield logger, stream, lines
    logger.removeHandler(handler)


def test_json_log_writes_one_object_per_line_with_time_level_logger_and_message(json_log):
    logger, stream, lines = json_log

    logger.info("assessed %d cases", 3)
    logger.warning("second line\nwith a line break inside")

    assert len(stream.getvalue().splitlines()) == 2
    first, second = lines()
    assert first["level"] == "INFO" and first["logger"] == "registry.test_log_format"
    assert first["message"] == "assessed 3 cases"
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert second["message"] == "second line\nwith a line break inside"


def test_json_log_carries_extra_fields(json_log):
    logger, _, lines = json_log

    logger.info("export", extra={"format": "csv", "rows": 12, "nested": {"a": [1, "b"]}})

    (line,) = lines()
    assert line["format"] == "csv" and line["rows"] == 12 and line["nested"] == {"a": [1, "b"]}


def test_json_log_has_no_address_from_the_message_an_extra_field_or_a_traceback(json_log):
    logger, stream, lines = json_log

    try:
        raise ConnectionError(f"connection to {ADDRESSES[1]} refused")
    except ConnectionError:
        logger.exception(
            "visitor %s failed", ADDRESSES[0], extra={"forwarded": f"{ADDRESSES[2]}, {ADDRESSES[1]}"}
        )

    written = stream.getvalue()
    for address in ADDRESSES:
        assert address not in written
    (line,) = lines()
    assert line["message"] == "visitor [address removed] failed"
    assert line["forwarded"] == "[address removed], [address removed]"
    assert "ConnectionError: connection to [address removed] refused" in line["exception"]


def test_json_log_of_a_request_has_method_path_and_status_but_no_query_header_or_address(json_log):
    logger, stream, lines = json_log
    request = RequestFactory().get(
        "/people/?q=Testavy+Yavar",
        REMOTE_ADDR=ADDRESSES[0],
        HTTP_X_FORWARDED_FOR=f"{ADDRESSES[1]}, {ADDRESSES[2]}",
        HTTP_USER_AGENT="Browser/1.0",
    )

    logger.error("Internal Server Error: %s", request.path, extra={"request": request, "status_code": 500})

    written = stream.getvalue()
    for text in (*ADDRESSES, "Testavy", "Browser/1.0", "q="):
        assert text not in written
    (line,) = lines()
    assert line["method"] == "GET" and line["path"] == "/people/" and line["status_code"] == 500
    assert "request" not in line


def test_json_log_of_a_task_a_worker_ran_has_its_name_and_duration(json_log, monkeypatch):
    logger, _, lines = json_log
    monkeypatch.setattr(registry_celery, "task_logger", logger)
    task = SimpleNamespace(name="cases.tasks.task_sweep_stale_cases", request=SimpleNamespace(is_eager=False))
    eager = SimpleNamespace(name="cases.tasks.task_assess_case", request=SimpleNamespace(is_eager=True))

    registry_celery._note_task_start(task_id="id-1", task=task)
    registry_celery.log_task_duration(task_id="id-1", task=task, state="SUCCESS", args=(), kwargs={})
    registry_celery._note_task_start(task_id="id-2", task=eager)
    registry_celery.log_task_duration(task_id="id-2", task=eager, state="SUCCESS")

    (line,) = lines()
    assert line["task"] == "cases.tasks.task_sweep_stale_cases" and line["task_id"] == "id-1"
    assert line["state"] == "SUCCESS" and line["duration_ms"] >= 0
    assert line["message"].startswith("task cases.tasks.task_sweep_stale_cases SUCCESS in ")


def test_every_handler_keeps_the_address_filter_whatever_the_format():
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_addresses" in handler["filters"]
    assert settings.LOGGING["formatters"]["json"] == {"()": "registry.log_format.JSONFormatter"}


def test_celery_workers_log_through_the_django_logging():
    """Connecting setup_logging stops Celery from installing its own handlers."""
    assert registry_celery.use_django_logging in [
        receiver() for _, receiver in registry_celery.signals.setup_logging.receivers
    ]
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


def _configured_format(env_overrides: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, logging; django.setup(); from django.conf import settings as s; "
        "print(s.LOG_FORMAT); logging.getLogger('registry').warning('from 203.0.113.7')"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "REGISTRY_ENV", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "registry.settings", "REGISTRY_ENV": "development", **env_overrides}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_log_format_is_plain_in_development_and_json_when_asked():
    plain = _configured_format({})
    as_json = _configured_format({"LOG_FORMAT": "json"})

    assert plain.stdout.split() == ["plain"]
    assert "WARNING registry from [address removed]" in plain.stderr
    assert as_json.stdout.split() == ["json"]
    line = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert line["logger"] == "registry" and line["message"] == "from [address removed]"


def test_log_format_refuses_an_unknown_value():
    result = _configured_format({"LOG_FORMAT": "xml"})

    assert result.returncode != 0 and "LOG_FORMAT must be one of" in result.stderr


def test_json_log_of_celerys_own_task_lines_leaves_out_the_arguments_and_result(json_log):
    logger, stream, lines = json_log
    celery_logger = logging.getLogger("celery.app.trace")
    celery_logger.handlers, saved = logger.handlers, celery_logger.handlers
    try:
        celery_logger.warning(
            "Task %(name)s[%(id)s] succeeded",
            {"name": "cases.tasks.task_assess_case", "id": "id-9"},
            extra={
                "data": {
                    "name": "cases.tasks.task_assess_case",
                    "id": "id-9",
                    "kwargs": "{'case_id': 424242}",
                    "return_value": "'high'",
                    "runtime": 0.25,
                }
            },
        )
    finally:
        celery_logger.handlers = saved

    (line,) = lines()
    assert line["task"] == "cases.tasks.task_assess_case" and line["task_id"] == "id-9"
    assert line["duration_ms"] == 250.0
    assert "424242" not in stream.getvalue() and "high" not in stream.getvalue()
