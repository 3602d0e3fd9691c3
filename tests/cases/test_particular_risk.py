"""Health and particular risk (issue 19, point 4): conditions and reports of ill-treatment, each
dated and sourced, confidential by default with a per-item publish decision; a staff list of people
at particular risk; public statistics that count them over everyone held, a small count shown as
"fewer than 5" where it could single out someone not published. Names are invented."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import AuditEntry, ChangeRecord, Organisation, ParticularRisk, PartnerAPIKey
from cases.protection.permissions import EDITOR, VIEWER
from cases.services import NameSpec
from cases.statistics.particular import OVER_60, particular_risk_counts
from tests.factories import SourceFactory, UserFactory, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
K = choices.ParticularRiskKind
DETAILS = "CANARYhealth The family says he was refused insulin for two weeks"
TODAY = D(2026, 6, 30)
BORN_1980 = D(1980, 1, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _held(name: str, *, publish=True, birth=BORN_1980, precision=choices.DatePrecision.DAY, status=None):
    person = services.create_person(
        names=[NameSpec(name, "latin", "passport_latin", is_primary=True)],
        birth_date=birth,
        birth_date_precision=precision,
    )
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2023, 1, 10))
    if status:
        services.update_case(case=case, status=status)
    if publish:
        services.publish_person(person=person)
    return person


def _counts(today=TODAY):
    return {row.kind: (row.count, row.suppressed) for row in particular_risk_counts(today)}


# Recording ------------------------------------------------------------------------------------


def test_an_item_is_recorded_dated_sourced_confidential_by_default(law):
    person = _held("Ivan Synthetic")
    source = SourceFactory()

    item = services.record_particular_risk(
        person=person, kind=K.DENIED_MEDICAL_CARE, date=D(2026, 5, 1), date_precision="month",
        details=DETAILS, sources=[source], today=TODAY,
    )  # fmt: skip

    item.refresh_from_db()
    assert (item.is_public, item.date, item.date_precision) == (False, D(2026, 5, 1), "month")
    assert list(item.sources.all()) == [source]
    change = ChangeRecord.objects.get(object_type="particular_risk")
    assert change.is_public is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": D(2026, 7, 5), "date_precision": "day"}, "in the future"),
        ({"date": D(2026, 5, 1), "date_precision": "day", "ended_on": D(2026, 4, 1)}, "end before it began"),
        ({"ended_on": D(2026, 8, 1)}, "in the future"),
    ],
)
def test_an_item_that_cannot_be_true_is_refused_with_the_reason(law, fields, message):
    person = _held("Ivan Synthetic")

    with pytest.raises(RefusedChange, match=message):
        services.record_particular_risk(person=person, kind=K.SOLITARY_CONFINEMENT, today=TODAY, **fields)
    assert not ParticularRisk.objects.exists()


def test_publishing_an_item_and_removing_it_keep_its_history(law):
    person = _held("Ivan Synthetic")
    item = services.record_particular_risk(
        person=person, kind=K.BEATING, date=D(2026, 2, 3), date_precision="day"
    )

    services.correct_particular_risk(item=item, is_public=True, public_text="Beaten by guards (synthetic).")
    services.remove_particular_risk(item=item)

    kept = ParticularRisk.history.filter(public_id=item.public_id).order_by("history_date")
    assert [(h.history_type, h.is_public) for h in kept] == [("+", False), ("~", True), ("-", True)]
    assert [
        c.is_public for c in ChangeRecord.objects.filter(object_type="particular_risk").order_by("id")
    ] == [
        False,
        True,
        True,
    ]


# Statistics -----------------------------------------------------------------------------------


def test_a_small_count_with_someone_unpublished_or_a_confidential_item_is_fewer_than_5(law):
    services.record_particular_risk(
        person=_held("Published Ill"), kind=K.SERIOUS_ILLNESS, is_public=True, public_text="Ill."
    )
    services.record_particular_risk(person=_held("Draft Ill", publish=False), kind=K.SERIOUS_ILLNESS)
    services.record_particular_risk(person=_held("Published Quiet"), kind=K.DISABILITY)  # confidential item

    counts = _counts()

    assert counts[K.SERIOUS_ILLNESS] == (2, True)
    assert counts[K.DISABILITY] == (1, True)


def test_a_count_of_published_people_with_public_items_is_exact_however_small(law):
    services.record_particular_risk(
        person=_held("Published Ill"), kind=K.PREGNANCY, is_public=True, public_text="Pregnant."
    )

    assert _counts()[K.PREGNANCY] == (1, False)


def test_a_count_of_five_or_more_is_shown_whoever_is_in_it(law):
    for n in range(5):
        services.record_particular_risk(
            person=_held(f"Draft{n} Synthetic", publish=False), kind=K.MENTAL_HEALTH
        )

    assert _counts()[K.MENTAL_HEALTH] == (5, False)


def test_people_out_of_custody_and_ended_items_are_not_counted(law):
    released = _held("Released Synthetic", status=choices.CaseStatus.RELEASED)
    services.record_particular_risk(person=released, kind=K.SERIOUS_ILLNESS)
    services.record_particular_risk(
        person=_held("Ended Synthetic"), kind=K.SOLITARY_CONFINEMENT, date=D(2026, 1, 5),
        date_precision="day", ended_on=D(2026, 2, 5), today=TODAY,
    )  # fmt: skip

    assert _counts() == {}


@pytest.mark.parametrize(
    ("birth", "precision", "counted"),
    [
        (D(1966, 6, 30), "day", True),  # 60 today
        (D(1966, 7, 1), "day", False),  # 60 tomorrow
        (D(1966, 5, 1), "month", True),  # at least 60 whatever day of May
        (D(1966, 6, 1), "month", True),  # 30 June at the latest: 60 today
        (D(1966, 1, 1), "year", False),  # born in 1966: maybe still 59
        (D(1965, 1, 1), "year", True),
    ],
)
def test_age_over_60_is_counted_only_when_certain(law, birth, precision, counted):
    _held("Elder Synthetic", birth=birth, precision=precision)

    assert (OVER_60 in _counts()) is counted


def test_the_statistics_page_shows_the_counts_and_fewer_than_5(client, law):
    services.record_particular_risk(person=_held("Draft Ill", publish=False), kind=K.SERIOUS_ILLNESS)
    for n in range(6):
        services.record_particular_risk(person=_held(f"Person{n} Synthetic"), kind=K.SOLITARY_CONFINEMENT)

    html = client.get(reverse("public:statistics")).content.decode()

    section = html[html.index('id="particular-risk"') :].split("</section>", 1)[0]
    assert "<td>serious illness</td><td>fewer than 5</td>" in section
    assert "<td>solitary confinement</td><td>6</td>" in section
    assert "Draft Ill" not in html


# Public page, API, feed -----------------------------------------------------------------------


def test_the_public_page_shows_only_published_items_with_their_public_text(client, law):
    person = _held("Ivan Synthetic")
    services.record_particular_risk(
        person=person, kind=K.SERIOUS_ILLNESS, date=D(2025, 3, 1), date_precision="month", details=DETAILS,
        is_public=True, public_text="Has diabetes (synthetic).",
    )  # fmt: skip
    services.record_particular_risk(person=person, kind=K.BEATING, details=DETAILS)

    html = client.get(reverse("public:person-detail", args=[person.slug])).content.decode()

    section = html[html.index('id="particular-risk"') :].split("</section>", 1)[0]
    assert "Serious illness" in section and "March 2025" in section and "Has diabetes (synthetic)." in section
    assert "Beating" not in html and "beating" not in section and DETAILS not in html


def _key(*scopes):
    organisation = Organisation.objects.create(name="Synthetic Advocacy Group")
    _, raw = PartnerAPIKey.objects.create_key(name="k", organisation=organisation, scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_keys_read_only_published_items_never_details_and_staff_reads_are_audited(client, law, settings):
    settings.CHANGE_FEED_SETTLE_SECONDS = 0
    person = _held("Ivan Synthetic")
    public = services.record_particular_risk(
        person=person, kind=K.DISABILITY, details=DETAILS, is_public=True, public_text="Uses a wheelchair."
    )
    hidden = services.record_particular_risk(person=person, kind=K.BEATING, details=DETAILS)
    restricted = _key(PartnerAPIKey.Scope.READ_RESTRICTED)
    viewer = UserFactory(groups=[VIEWER])
    client.force_login(viewer)

    by_key = restricted.get("/api/v1/particular-risks/").json()
    feed = restricted.get("/api/v1/changes/").json()["results"]
    by_staff = client.get("/api/v1/particular-risks/").json()

    assert [r["id"] for r in by_key["results"]] == [str(public.public_id)]
    assert DETAILS not in str(by_key) and str(hidden.public_id) not in str(feed)
    assert restricted.get(f"/api/v1/particular-risks/{hidden.public_id}/").status_code == 404
    assert {r["id"] for r in by_staff["results"]} == {str(public.public_id), str(hidden.public_id)}
    assert DETAILS in str(by_staff)
    assert AuditEntry.objects.get(user=viewer).object_type == "particular_risks"


# Staff ----------------------------------------------------------------------------------------


def test_the_staff_list_holds_people_held_with_an_open_item_or_aged_60(client, law):
    ill = _held("Ill Synthetic")
    services.record_particular_risk(person=ill, kind=K.SERIOUS_ILLNESS, details=DETAILS)
    _held("Elder Synthetic", birth=D(1950, 1, 1))
    _held("Young Synthetic", birth=D(1995, 1, 1))
    released = _held("Released Synthetic", status=choices.CaseStatus.RELEASED)
    services.record_particular_risk(person=released, kind=K.SERIOUS_ILLNESS)
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:cases_personatparticularrisk_changelist")).content.decode()

    assert "Ill Synthetic" in html and "Elder Synthetic" in html and "serious illness" in html
    assert "Young Synthetic" not in html and "Released Synthetic" not in html and DETAILS not in html


def test_an_editor_records_an_item_and_a_public_one_needs_its_public_text(client, law):
    person = _held("Ivan Synthetic")
    client.force_login(UserFactory(groups=[EDITOR]))
    url = reverse("admin:cases_particularrisk_add")
    form = {
        "person": person.pk,
        "kind": K.SOLITARY_CONFINEMENT,
        "date": "",
        "date_precision": "unknown",
        "details": DETAILS,
    }

    refused = client.post(url, form | {"is_public": "on"})
    future = client.post(
        url,
        form
        | {"date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(), "date_precision": "day"},
    )
    saved = client.post(url, form)

    assert "what the public page may say" in refused.content.decode()
    assert "in the future" in future.content.decode()
    assert saved.status_code == 302
    item = ParticularRisk.objects.get()
    assert (item.kind, item.details, item.is_public) == (K.SOLITARY_CONFINEMENT, DETAILS, False)


def test_opening_an_items_details_is_on_record(client, law):
    person = _held("Ivan Synthetic")
    item = services.record_particular_risk(person=person, kind=K.BEATING, details=DETAILS)
    viewer = UserFactory(groups=[VIEWER])
    client.force_login(viewer)

    page = client.get(reverse("admin:cases_particularrisk_change", args=[item.pk])).content.decode()

    assert DETAILS in page
    assert AuditEntry.objects.get(user=viewer).fields == ["details"]


def test_the_staff_list_puts_the_latest_ill_treatment_first(client, law):
    earlier, latest, ill = _held("Earlier Synthetic"), _held("Latest Synthetic"), _held("Ill Synthetic")
    services.record_particular_risk(person=earlier, kind=K.BEATING, date=D(2025, 1, 5), date_precision="day")
    services.record_particular_risk(
        person=latest, kind=K.SOLITARY_CONFINEMENT, date=D(2026, 3, 1), date_precision="month"
    )
    services.record_particular_risk(
        person=ill, kind=K.SERIOUS_ILLNESS, date=D(2026, 5, 1), date_precision="month"
    )
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:cases_personatparticularrisk_changelist")).content.decode()

    order = [html.index(name) for name in ("Latest Synthetic", "Earlier Synthetic", "Ill Synthetic")]
    assert order == sorted(order)
