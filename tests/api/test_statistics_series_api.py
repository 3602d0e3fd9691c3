"""/api/v1/statistics/series/ (issue 18, point 6): the monthly series, published and suppressed
for the public, whole and exact for staff."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.models import Case, Person
from cases.protection.public_role import PUBLIC_ALIAS
from cases.statistics.history import registry_series
from tests.factories import PersonFactory, jurisdiction
from tests.registry.test_public_role import public_alias, registry  # noqa: F401 (fixtures)

D = datetime.date
URL = reverse("api:statistics-series")


@pytest.fixture(autouse=True)
def empty_cache():
    """The series are cached by data version, which moves only when a transaction commits: a
    test's data is rolled back, so each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


def _held(*, publish=True):
    person = PersonFactory()
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2021, 3, 10))
    if publish:
        services.publish_person(person=person)
    return case


def _month(body, month: str) -> int:
    return body["months"].index(month)


def test_series_run_monthly_from_2020_to_the_current_month(api_client_for):
    body = api_client_for("anonymous").get(URL).json()

    today = timezone.localdate()
    assert body["months"][0] == "2020-01" and body["months"][-1] == f"{today:%Y-%m}"
    assert body["counted_to"] == today.isoformat()
    assert len(body["people_held"]["held"]) == len(body["months"])
    assert set(body["releases_by_how"]) == set(choices.ReleaseKind.values)
    assert set(body["risk_levels"]) == {*choices.RiskLevel.values, "under_review"}


def test_small_counts_are_fewer_than_5_for_the_public_and_exact_for_staff(api_client_for):
    _held()
    _held()
    services.record_release(case=_held(), how=choices.ReleaseKind.PARDON, date=D(2022, 2, 1))

    public = api_client_for("anonymous").get(URL).json()
    partner = api_client_for("key:read:restricted").get(URL).json()
    staff = api_client_for("staff:viewer").get(URL).json()

    march = _month(public, "2021-03")
    assert public["people_held"]["held"][march] == "fewer than 5"
    assert partner["people_held"]["held"][march] == "fewer than 5"
    assert staff["people_held"]["held"][march] == 3
    february = _month(public, "2022-02")
    assert public["releases"]["per_month"][february] == "fewer than 5"
    assert public["releases_by_how"]["pardon"]["per_month"][february] == "fewer than 5"
    assert staff["releases_by_how"]["pardon"]["per_month"][february] == 1
    assert public["people_held"]["held"][0] == 0  # nobody is not a small group


def test_unpublished_people_count_for_staff_only(api_client_for):
    for _ in range(5):
        _held()
    for _ in range(3):
        _held(publish=False)

    public = api_client_for("anonymous").get(URL).json()
    staff = api_client_for("staff:viewer").get(URL).json()

    assert public["people_held"]["held"][-1] == 5
    assert staff["people_held"]["held"][-1] == 8


def test_release_day_of_an_internal_entry_is_not_given_to_the_public(api_client_for):
    cases = [_held() for _ in range(5)]
    for case in cases:
        services.record_release(
            case=case, how=choices.ReleaseKind.PAROLE, date=D(2022, 7, 4), is_public=False
        )

    public = api_client_for("anonymous").get(URL).json()
    staff = api_client_for("staff:viewer").get(URL).json()

    july = _month(public, "2022-07")
    assert public["releases"]["per_month"][july] == 0 and public["releases"]["not_placed"] == 5
    assert public["releases_by_how"]["parole"] == {"per_month": [0] * len(public["months"]), "not_placed": 0}
    assert (
        staff["releases"]["per_month"][july] == 5
        and staff["releases_by_how"]["parole"]["per_month"][july] == 5
    )
    assert public["people_held"]["not_placed"][july] == 5 and staff["people_held"]["not_placed"][july] == 0


@pytest.mark.postgres
@pytest.mark.usefixtures("registry", "public_alias")
def test_public_series_read_through_the_public_role_match_the_owners_reading(client):
    """As DATABASE_PUBLIC_URL configures it: the role can read every column the series need, and
    its row policies (published people, public entries) give the same counts as the querysets."""
    cases = [_held() for _ in range(6)]
    services.record_release(
        case=cases[0], how=choices.ReleaseKind.PARDON, date=D(2022, 2, 1), is_public=False
    )
    services.record_release(case=cases[1], how=choices.ReleaseKind.AMNESTY, date=D(2022, 3, 1))
    owner = registry_series(
        Case.objects.filter(person__in=Person.objects.published()), internal_entries=False
    )

    with CaptureQueriesContext(connections[PUBLIC_ALIAS]) as through_role:
        body = client.get(URL).json()

    assert len(through_role) == 3
    assert body["people_held"]["held"] == [_public(n) for n in owner.held.held]
    assert body["people_held"]["not_placed"] == [_public(n) for n in owner.held.not_placed]
    assert body["releases"]["not_placed"] == _public(owner.releases.not_placed)
    assert body["releases_by_how"]["amnesty"]["per_month"] == [
        _public(n) for n in owner.releases_by_how["amnesty"].counts
    ]
    assert body["releases_by_how"]["pardon"]["not_placed"] == _public(
        owner.releases_by_how["pardon"].not_placed
    )


def _public(count: int):
    return "fewer than 5" if 0 < count < 5 else count


@pytest.mark.django_db(transaction=True)
def test_the_series_are_built_once_per_data_version_and_kind_of_reader(api_client_for, law, monkeypatch):
    from api import views

    builds = []
    monkeypatch.setattr(
        views, "registry_series", lambda *a, **kw: builds.append(1) or registry_series(*a, **kw)
    )
    anonymous, staff = api_client_for("anonymous"), api_client_for("staff:viewer")

    for _ in range(3):
        assert anonymous.get(URL).status_code == 200
    assert len(builds) == 1
    staff.get(URL)
    assert len(builds) == 2  # staff see another registry: built apart, never served to the public
    _held()  # a change of the data, committed: the version moves
    body = anonymous.get(URL).json()
    assert len(builds) == 3
    assert body["people_held"]["held"][_month(body, "2021-03")] == "fewer than 5"
