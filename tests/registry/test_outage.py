"""When the database stops: 503 with Retry-After, never a 500, and no failure after it is back
(issue #14, finding 3). The outage is a connection pointed at a closed port (PostgreSQL) or a
connection that cannot be opened (SQLite); the shared server is never stopped."""

import socket
from unittest import mock
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from cases.models import Case
from cases.risk import assessment
from cases.tasks import task_assess_case
from registry.errors import server_error
from tests.factories import CaseFactory, ChargeFactory, UserFactory, article

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stop_database(law, monkeypatch):
    """Call it to make every connection to the default database fail as when the server is
    stopped: PostgreSQL is reached on a closed port; SQLite (an in-memory database that cannot
    be closed) refuses at the connection seam."""

    def stop():
        cache.clear()
        if connection.vendor == "postgresql":
            connection.close()
            monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
            monkeypatch.setitem(connection.settings_dict, "PORT", str(_closed_port()))
        else:
            monkeypatch.setattr(
                connection, "ensure_connection", mock.Mock(side_effect=OperationalError("unable to open"))
            )

    yield stop
    monkeypatch.undo()
    if connection.vendor == "postgresql":
        connection.close()


def test_public_page_with_database_down_answers_503_in_the_readers_language(stop_database):
    client = Client(raise_request_exception=False)
    stop_database()

    english = client.get("/people/")
    belarusian = client.get("/be/people/")  # the address's language, whatever the browser asks
    russian = client.get("/people/", HTTP_ACCEPT_LANGUAGE="ru")

    assert english.status_code == belarusian.status_code == russian.status_code == 503
    assert english["Retry-After"] == "30"
    assert "The registry is temporarily unavailable" in english.content.decode()
    assert "Рэестр часова недаступны" in belarusian.content.decode()
    assert "Реестр временно недоступен" in russian.content.decode()
    assert russian["Content-Language"] == "ru"
    assert "no-store" in english["Cache-Control"] or "max-age=0" in english["Cache-Control"]


def test_api_with_database_down_answers_503_json_with_retry_after(stop_database, settings):
    settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS = 45
    stop_database()

    response = Client(raise_request_exception=False).get("/api/v1/people/")

    assert response.status_code == 503
    assert response["Retry-After"] == "45"
    assert response.json() == {"detail": "The registry is temporarily unavailable. Try again later."}


def test_admin_with_database_down_answers_503(stop_database):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True))
    stop_database()

    response = client.get("/admin/cases/case/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The registry is temporarily unavailable" in response.content.decode()


def test_outage_outside_a_view_answers_503_from_the_error_handler(law):
    request = RequestFactory().get("/people/", HTTP_ACCEPT_LANGUAGE="be")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert "Рэестр часова недаступны" in response.content.decode()


def _wsgi_get(path: str):
    """A request through the real WSGI handler, which (unlike the test client) checks the
    reused connections at the start of the request, as gunicorn's workers do."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    status = []
    body = b"".join(WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s)))
    return int(status[0].split()[0]), body.decode()


@pytest.mark.postgres
def test_first_request_after_database_restart_succeeds_on_a_reused_connection(law, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["testserver"]
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    connection.close()
    status, _ = _wsgi_get("/")
    assert status == 200
    pid = connection.connection.info.backend_pid
    # The restart: the server ends the pooled connection (only ours, by its pid).
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    status, body = _wsgi_get("/")

    assert status == 200
    assert "</html>" in body
    assert connection.connection.info.backend_pid != pid
    connection.close()


def test_database_settings_check_reused_connections_before_a_request(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# The queue during an outage (issue #14, finding 5) ---------------------------------------------


def _run_retries_eagerly(monkeypatch):
    """apply() runs a task in-process as a worker would, and runs a retry the task asks for at
    once, with the retry count a worker would give it; but with eager propagation on (as the
    settings have it for in-process tasks) the Retry is raised to the caller instead. A worker
    never propagates, so neither does this test."""
    monkeypatch.setitem(task_assess_case.app.conf, "task_eager_propagates", False)


def test_assess_case_task_meeting_a_database_outage_is_retried_and_completes(law, monkeypatch):

    case = ChargeFactory(article=article("289.3")).case
    Case.objects.filter(pk=case.pk).update(risk_stale=True)
    real_assess_case = assessment.assess_case
    attempts = []

    def outage_then_back(**kwargs):
        attempts.append(task_assess_case.request.retries)
        if len(attempts) == 1:
            raise OperationalError("connection failed: Connection refused")
        return real_assess_case(**kwargs)

    monkeypatch.setattr(assessment, "assess_case", outage_then_back)
    _run_retries_eagerly(monkeypatch)

    result = task_assess_case.apply(kwargs={"case_id": case.pk})

    assert result.successful()
    assert attempts == [0, 1]
    case.refresh_from_db()
    assert case.risk_stale is False
    assert case.risk_level == "critical"


def test_assess_case_task_gives_up_after_bounded_retries_leaving_the_case_stale(law, monkeypatch):

    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(risk_stale=True)
    attempts = []

    def outage(**kwargs):
        attempts.append(1)
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(assessment, "assess_case", outage)
    _run_retries_eagerly(monkeypatch)

    result = task_assess_case.apply(kwargs={"case_id": case.pk})

    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(attempts) == task_assess_case.max_retries + 1 == 11
    assert task_assess_case.retry_backoff is True
    case.refresh_from_db()
    assert case.risk_stale is True  # for the sweep


def test_assess_case_task_error_other_than_the_database_is_not_retried(law, monkeypatch):

    case = CaseFactory()
    attempts = []

    def bug(**kwargs):
        attempts.append(1)
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(assessment, "assess_case", bug)

    with pytest.raises(ValueError):
        task_assess_case.apply(kwargs={"case_id": case.pk})

    assert attempts == [1]
