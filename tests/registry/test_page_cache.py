"""Whole answers kept for readers without credentials (registry.page_cache, issue 21).

Every test here commits (transaction=True): the data version moves only when a change commits,
which is what keeps a kept answer from outliving the data it was built from."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases import caching, services
from cases.models import Organisation, PartnerAPIKey
from tests.api.conftest import make_published_case
from tests.public.conftest import ALIAKSANDR, make_person

pytestmark = pytest.mark.django_db(transaction=True)

OTHER = [("Пятро Іншы", "be_cyrl", "official_be")]


def api_client(*scopes) -> APIClient:
    """Anonymous, or with a key of the given scopes."""
    client = APIClient()
    if scopes:
        organisation = Organisation.objects.create(name="Synthetic Advocacy Group")
        _, raw = PartnerAPIKey.objects.create_key(
            name="partner", organisation=organisation, scopes=list(scopes)
        )
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def _queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("url", ["/", "/people/", "/people/?q=Вымыслаў", "PERSON", "/be/people/"])
def test_a_public_page_is_built_once_per_data_version_and_then_read_from_the_cache(client, law, url):
    case = make_person(names=ALIAKSANDR)
    url = f"/people/{case.person.slug}/" if url == "PERSON" else url

    first, built = _queries(client, url)
    again, read = _queries(client, url)

    assert built > 0 and read == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The headers the middleware adds are added to a kept answer too.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["Content-Language"] == first["Content-Language"]


def test_a_withdrawn_person_leaves_every_kept_answer_at_the_commit(client, law):
    kept = make_person(names=ALIAKSANDR)
    gone = make_person(names=OTHER)
    slug = gone.person.slug
    urls = ["/", "/people/", "/people/?q=Пятро", f"/people/{slug}/", "/api/v1/people/", "/api/v1/changes/"]
    for url in urls:  # each answer is now kept, naming the person
        client.get(url)
    assert slug in client.get("/people/").content.decode()

    services.withdraw_person(person=gone.person)

    assert client.get(f"/people/{slug}/").status_code == 404
    for url in urls[:3] + urls[4:]:
        body = client.get(url).content.decode()
        assert slug not in body, url
        if "q=" not in url:  # the search form repeats what the reader typed
            assert "Пятро" not in body, url
    assert kept.person.slug in client.get("/people/").content.decode()


def test_an_edit_shows_on_the_next_answer(client, law):
    case = make_person(names=ALIAKSANDR)
    url = f"/people/{case.person.slug}/"
    assert "Synthetic biography" not in client.get(url).content.decode()

    services.update_person(person=case.person, biography="Synthetic biography of a teacher.")

    assert "Synthetic biography of a teacher." in client.get(url).content.decode()


def test_each_language_and_host_has_its_own_answer(client, law, settings):
    settings.ALLOWED_HOSTS = ["testserver", "registry.example.org"]
    case = make_person(names=ALIAKSANDR)
    slug = case.person.slug

    english = client.get(f"/people/{slug}/").content.decode()
    belarusian = client.get(f"/be/people/{slug}/").content.decode()
    other_host = client.get(f"/people/{slug}/", HTTP_HOST="registry.example.org").content.decode()

    assert 'lang="en"' in english and 'lang="be"' in belarusian
    assert "registry.example.org" in other_host and "registry.example.org" not in english


def test_the_day_is_part_of_the_key(client, law, monkeypatch):
    """Ages and hearings to come change at midnight without any change of the data."""
    from registry import page_cache

    case = make_person(names=ALIAKSANDR)
    url = f"/people/{case.person.slug}/"
    _queries(client, url)
    tomorrow = page_cache.timezone.localdate() + page_cache.timezone.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)

    _, built = _queries(client, url)

    assert built > 0


def test_an_anonymous_api_answer_is_kept_and_a_callers_with_a_key_never_are(law):
    make_published_case(name_suffix="Keptova")
    make_published_case(name_suffix="Draftova", publish=False)
    anonymous, restricted = api_client(), api_client(PartnerAPIKey.Scope.READ_RESTRICTED)
    url = reverse("api:person-list")

    first, built = _queries(anonymous, url)
    again, read = _queries(anonymous, url)
    with_key = restricted.get(url).json()
    after_key = anonymous.get(url).json()

    assert built > 0 and read == 0 and again.json() == first.json()
    assert "Draftova" not in str(first.json()) and "Draftova" not in str(after_key)
    # The key's answer is its own: fields the anonymous answer never has.
    assert set(with_key["results"][0]) - set(first.json()["results"][0])
    assert after_key == first.json()


def test_the_rate_limit_counts_answers_read_from_the_cache(law, settings):
    settings.API_THROTTLE_ANON = "2/min"
    client = api_client()
    url = reverse("api:person-list")

    statuses = [client.get(url, REMOTE_ADDR="192.0.2.20").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_new_change_reaches_the_kept_change_feed(law, settings):
    settings.CHANGE_FEED_SETTLE_SECONDS = 1
    client = api_client()
    case = make_person(names=ALIAKSANDR)
    time.sleep(1.1)
    before = client.get("/api/v1/changes/").json()["results"]

    services.update_person(person=case.person, biography="Synthetic biography, added later.")
    time.sleep(2.1)  # the entry settles, and the answer's window has passed
    after = client.get("/api/v1/changes/").json()["results"]

    assert len(after) > len(before)
    assert after[: len(before)] == before


def test_an_answer_is_still_given_when_the_cache_does_not_answer(client, law):
    case = make_person(names=ALIAKSANDR)
    nothing_listens = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    # Not the `settings` fixture: the cache must work again before this module's fixture clears it.
    with override_settings(CACHES={"default": nothing_listens}):
        response = client.get(f"/people/{case.person.slug}/")

    assert response.status_code == 200
    assert case.person.slug in response.content.decode()


def test_a_value_many_readers_miss_at_once_is_built_once(db):
    calls = []
    results = []

    def build():
        calls.append(1)
        time.sleep(0.3)
        return "the page"

    def reader():
        results.append(caching.cached_value("test:stampede", "same", build=build))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()

    assert results == ["the page"] * 4
    assert len(calls) == 1


def test_readers_do_not_wait_for_a_builder_that_failed(db):
    def failing():
        time.sleep(0.2)
        raise RuntimeError("the database went away")

    results, errors = [], []

    def first():
        try:
            caching.cached_value("test:failing", build=failing)
        except RuntimeError as error:
            errors.append(error)

    builder = threading.Thread(target=first)
    builder.start()
    time.sleep(0.05)
    started = time.monotonic()
    results.append(caching.cached_value("test:failing", build=lambda: "built by the reader"))
    waited = time.monotonic() - started
    builder.join()

    assert errors and results == ["built by the reader"]
    assert waited < caching.BUILD_WAIT_SECONDS


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"REGISTRY_ENV": "production"}, False),
        ({"REGISTRY_ENV": "production", "CACHE_URL": "redis://127.0.0.1:6379/1"}, True),
        ({"REGISTRY_ENV": "development"}, True),
        (
            {
                "REGISTRY_ENV": "production",
                "CACHE_URL": "redis://127.0.0.1:6379/1",
                "ANONYMOUS_PAGE_CACHE": "0",
            },
            False,
        ),
    ],
)
def test_answers_are_kept_only_where_every_process_sees_the_version_move(environment, expected):
    from tests.registry.test_deploy_configs import ROOT, _production

    keep = {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    base = _production() if environment["REGISTRY_ENV"] == "production" else {}
    env |= {"DJANGO_SETTINGS_MODULE": "registry.settings", **base, **environment}
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.ANONYMOUS_PAGE_CACHE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.stdout.strip() == str(expected), result.stderr


def test_a_kept_answer_lives_a_few_minutes_at_most_even_if_the_version_did_not_move(client, law, monkeypatch):
    """Moving the version can fail (the cache refused the write; it is logged): the page of a
    withdrawn person must not then be served for the cache's whole hour."""
    from registry import page_cache

    monkeypatch.setattr(page_cache, "KEPT_SECONDS", 1)
    case = make_person(names=ALIAKSANDR)
    url = f"/people/{case.person.slug}/"
    assert client.get(url).status_code == 200
    monkeypatch.setattr(caching, "bump_version", lambda: None)  # the move does not reach the cache

    services.withdraw_person(person=case.person)
    served_before_expiry = client.get(url).status_code
    time.sleep(1.2)

    assert served_before_expiry == 200  # what the bound is for
    assert client.get(url).status_code == 404
