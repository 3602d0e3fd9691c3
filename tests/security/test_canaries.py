"""The attack suite: canaries in every confidential field and state, then a crawl of everything a
reader or a partner key can reach. One canary on one surface fails, naming both.

The data set is planted once per module (and rolled back after it); see planting.py for what
is planted where, and crawl.py for how the routes are found.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from api.serializers import PersonSerializer
from cases.models import PartnerAPIKey, PersonQuerySet, Submission
from tests.security.canaries import (
    ANYONE,
    GRANTS_OF_SCOPE,
    OWN_SUBMISSIONS,
    OWN_WEBHOOKS,
    RESTRICTED,
    CanaryRegistry,
    Leak,
    readings,
)
from tests.security.crawl import Caller, Crawl, crawl_api, crawl_public
from tests.security.planting import KEY_SCOPES, encrypted_fields, holds_a_canary, plant
from tests.security.summary import PROPERTY as SUMMARY_PROPERTY

Scope = PartnerAPIKey.Scope
pytestmark = pytest.mark.django_db
READ_SCOPES = {Scope.READ_PUBLIC, Scope.READ_RESTRICTED}


@pytest.fixture(scope="module")
def planted(django_db_setup, django_db_blocker):
    """The registry with its canaries, in a transaction every test of the module shares and that
    is rolled back at the end (each test's own changes roll back to a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield plant()
        transaction.set_rollback(True)


def caller(label: str, registry) -> Caller:
    if label == "anonymous":
        return Caller(label, frozenset({ANYONE}))
    scopes = set(KEY_SCOPES[label])
    grants = {GRANTS_OF_SCOPE[s] for s in scopes if s in GRANTS_OF_SCOPE}
    reads = bool(scopes & READ_SCOPES)
    return Caller(label, frozenset(grants | ({ANYONE} if reads else set())), registry.keys[label], reads)


def report(request, registry, crawls=(), *, at_rest: list | None = None):
    """Hand the counts to the summary line (summary.py), then fail on any leak, naming each canary's
    place and every surface it reached."""
    leaks = [leak for crawl in crawls for leak in crawl.leaks]
    request.node.user_properties.append(
        (
            SUMMARY_PROPERTY,
            {
                "canaries": len(registry.canaries),
                "surfaces": sum(len(c.surfaces) for c in crawls),
                "requests": sum(c.requests for c in crawls),
                "leaks": len(leaks),
                "at rest": len(at_rest or []),
            },
        )
    )
    problems = [p for crawl in crawls for p in crawl.problems]
    message = _describe(leaks + list(at_rest or []))
    assert not leaks and not at_rest, message
    assert not problems, "the crawl went wrong, so it proves nothing:\n" + "\n".join(problems[:30])


def _describe(leaks: list[Leak]) -> str:
    by_canary = {}
    for leak in leaks:
        by_canary.setdefault(leak.canary, []).append(f"{leak.surface} ({leak.where})")
    lines = [f"{len(leaks)} leaks of {len(by_canary)} canaries:"]
    for canary, surfaces in sorted(by_canary.items(), key=lambda item: item[0].place):
        unique = list(dict.fromkeys(surfaces))
        more = f" ... and {len(unique) - 5} more surfaces" if len(unique) > 5 else ""
        lines.append(f"- {canary.place} [{canary.value}] reached {len(unique)} surfaces: {unique[:5]}{more}")
    return "\n".join(lines)


def _allowed_canaries(registry, grant):
    return {c for c in registry.canaries.canaries if grant in c.audience}


def test_every_encrypted_field_holds_a_canary(planted):
    for model, field in encrypted_fields():
        assert holds_a_canary(model, field.name, planted.canaries), f"{model._meta.label}.{field.name}"


def test_public_pages_show_no_canary_in_any_language(request, planted):
    cache.clear()  # a page cached by another test would hide this data set
    crawl = Crawl(planted, Caller("anonymous (public pages)", frozenset({ANYONE})))

    crawl_public(crawl)

    assert crawl.received == _allowed_canaries(planted, ANYONE), "the public marker did not arrive: no proof"
    report(request, planted, [crawl])


@pytest.mark.parametrize("label", ["anonymous", *KEY_SCOPES])
def test_api_shows_no_canary_beyond_the_callers_scope(request, planted, label):
    """Each caller reads what its scopes allow (api/access.py, docs/api.md): the public fields of
    published records; read:restricted adds internal notes and internal events; the webhooks scope
    lists its own organisation's subscriptions. Drafts, withdrawn and merged people, confidential
    sources and every contact reach no key; a hidden record answers exactly like a missing one."""
    cache.clear()
    crawl = Crawl(planted, caller(label, planted))

    crawl_api(crawl)

    for grant in crawl.caller.grants:  # what the caller may read did arrive: the crawl saw the data
        expected = _allowed_canaries(planted, grant)
        assert expected <= crawl.received, (
            f"{label} never received {sorted(c.place for c in expected - crawl.received)}"
        )
    report(request, planted, [crawl])


def test_confidential_values_are_ciphertext_at_rest(request, planted):
    """A copy of the database (a backup, a seized disk) shows no canary in an encrypted column, nor
    in a partner submission's stored payload."""
    columns = {(model, field.column) for model, field in encrypted_fields()}
    columns.add((Submission, Submission._meta.get_field("payload").column))
    at_rest = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, column in sorted(columns, key=lambda item: (item[0]._meta.db_table, item[1])):
            table = model._meta.db_table
            # Names from the models' own metadata, quoted by the backend: no input reaches the SQL.
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")  # noqa: S608
            raw = "\n".join(str(value) for (value,) in cursor.fetchall() if value).lower()
            at_rest += [
                Leak(c, f"the raw column {table}.{column}", "at rest") for c in planted.canaries.found_in(raw)
            ]

    report(request, planted, at_rest=at_rest)


def test_restricted_and_webhook_canaries_have_an_audience(planted):
    """The positive controls above compare against these: without them the crawl proves nothing."""
    assert _allowed_canaries(planted, RESTRICTED)
    assert _allowed_canaries(planted, OWN_WEBHOOKS)
    assert _allowed_canaries(planted, OWN_SUBMISSIONS)
    assert _allowed_canaries(planted, ANYONE)


# The harness itself: a suite that finds nothing must be shown able to find something. -----------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<p>CANARY-00aa11bb22cc</p>", "text/html"),
        (b"<p>&#67;ANARY-00aa11bb22cc</p>", "text/html"),
        (b'{"notes": "\\u0043ANARY-00aa11bb22cc"}', "application/json"),
        (b"<a href='/people/?q=CANARY%2D00aa11bb22cc'>", "text/html"),
        (b"canary-00aa11bb22cc", "text/csv"),
    ],
)
def test_the_detector_reads_through_escapes_and_case(body, content_type):
    canaries = CanaryRegistry()
    canaries.add("CANARY-00aa11bb22cc", "a test place")

    found = canaries.found_in(readings(body, content_type))

    assert [c.place for c in found] == ["a test place"]


def test_the_crawl_names_a_draft_that_reaches_the_public_list(planted, monkeypatch):
    """If the one definition of "published" let drafts through, the crawl would say so."""
    monkeypatch.setattr(PersonQuerySet, "published", PersonQuerySet.current)
    crawl = Crawl(planted, Caller("anonymous (public pages)", frozenset({ANYONE})))

    crawl.fetch("/people/", "public people/")

    places = {leak.canary.place for leak in crawl.leaks}
    assert "draft person: Latin name" in places and "draft person: slug" in places
    assert all(leak.surface == "anonymous (public pages) GET /people/" for leak in crawl.leaks)


def test_the_crawl_names_a_confidential_field_in_the_anonymous_api(planted, monkeypatch):
    monkeypatch.setattr(PersonSerializer.Meta, "fields", [*PersonSerializer.Meta.fields, "contacts"])
    crawl = Crawl(planted, caller("anonymous", planted))

    crawl.fetch("/api/v1/people/", "anonymous GET /api/v1/people/")

    assert {leak.canary.place for leak in crawl.leaks} == {"published person: contacts"}
