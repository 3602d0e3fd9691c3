"""The API's resources, filters, change feed, exports and intake, as a partner uses them."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Submission
from cases.protection import retention
from cases.services import intake
from cases.transfer.notation import parse_charges
from tests.api.conftest import make_published_case
from tests.factories import UserFactory, article

pytestmark = pytest.mark.django_db
D = datetime.date


def _names(response):
    return sorted(p["names"][0]["text"] for p in response.json()["results"])


def test_person_detail_has_names_cases_and_no_database_ids(api_client_for, law):
    case = make_published_case()
    body = api_client_for("anonymous").get(reverse("api:person-detail", args=[case.person.slug])).json()
    assert body["id"] == case.person.slug
    assert {n["text"] for n in body["names"]} == {"Тэставы Явар", "Тестовый Явор", "Testavy Yavar"}
    assert body["cases"] == [str(case.public_id)]
    assert body["birth_year"] == 1990 and "birth_date" not in body and "internal_notes" not in body


def test_case_detail_has_charges_risk_and_facility(api_client_for, law):
    case = make_published_case(charges=("218.2",))
    charge = case.charges.get()
    services.reclassify_charge(charge=charge, to_article=article("289.1"), on=charge.charged_on)
    body = api_client_for("anonymous").get(reverse("api:case-detail", args=[case.public_id])).json()
    states = [(c["article"]["id"], c["state"]) for c in body["charges"]]
    assert states == [("BY-218.2", "reclassified"), ("BY-289.1", "active")]
    assert body["charges"][0]["reclassified_into"] == body["charges"][1]["id"]
    assert body["charges"][1]["reclassified_from"] == body["charges"][0]["id"]
    assert body["risk"]["status"] == "under_review"  # the assessment runs after commit
    assert body["current_facility"].startswith("facility-")


def test_charge_chain_reads_a_reclassification_history_in_order(api_client_for, law):
    case = make_published_case(charges=("218.2",))
    first = case.charges.get()
    second = services.reclassify_charge(charge=first, to_article=article("289.1"), on=first.charged_on)
    third = services.reclassify_charge(charge=second, to_article=article("289.3"), on=first.charged_on)
    body = api_client_for("anonymous").get(reverse("api:charge-chain", args=[second.public_id])).json()
    assert [c["id"] for c in body] == [str(first.public_id), str(second.public_id), str(third.public_id)]


def test_article_detail_by_its_notation(api_client_for, law):
    body = api_client_for("anonymous").get(reverse("api:article-detail", args=["BY-356.2"])).json()
    assert (body["capital"], body["capital_since"], body["verified"]) == (True, "2023-03-25", True)
    assert (
        api_client_for("anonymous").get(reverse("api:article-detail", args=["BY-999.9"])).status_code == 404
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"article": "289"}, ["Synthetic terror"]),
        ({"article": "289.3"}, []),
        ({"article": "342.1"}, ["Synthetic protest"]),
        ({"region": "grodno"}, ["Synthetic protest"]),
        ({"jurisdiction": "BY"}, ["Synthetic protest", "Synthetic terror"]),
        ({"status": "detained"}, ["Synthetic protest", "Synthetic terror"]),
        (
            {"detained_after": "2022-01-01", "detained_before": "2022-12-31"},
            ["Synthetic protest", "Synthetic terror"],
        ),
        ({"detained_after": "2023-01-01"}, []),
    ],
)
def test_person_filters(api_client_for, law, params, expected):
    protest = make_published_case(charges=("342.1",))
    services.update_person(person=protest.person, region=law.regions.get(code="grodno"))
    terror = make_published_case(charges=("289.1",))
    for case, label in ((protest, "protest"), (terror, "terror")):
        services.add_person_name(
            person=case.person, text=f"Synthetic {label}", script="latin", kind="other_latin", is_primary=True
        )
    response = api_client_for("anonymous").get(reverse("api:person-list"), params)
    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize(
    "query", ["Aliaksandr", "Aleksandr", "Alexander", "Аляксандр", "Александр", "alyaks"]
)
def test_name_search_finds_every_spelling_in_every_script(api_client_for, law, query):
    case = make_published_case()
    services.add_person_name(
        person=case.person, text="Аляксандр Вымыслаў", script="be_cyrl", kind="official_be", is_primary=True
    )
    other = make_published_case()
    services.add_person_name(
        person=other.person, text="Сяргей Іншы", script="be_cyrl", kind="official_be", is_primary=True
    )
    response = api_client_for("anonymous").get(reverse("api:person-list"), {"q": query})
    assert [p["id"] for p in response.json()["results"]] == [case.person.slug]


def test_page_size_is_capped(api_client_for, law):
    make_published_case()
    response = api_client_for("anonymous").get(reverse("api:person-list"), {"page_size": 100000})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_ordering_only_on_the_whitelist(api_client_for, law):
    first, second = make_published_case(), make_published_case()
    services.update_person(person=first.person, occupation="touched later")
    client = api_client_for("anonymous")
    ordered = client.get(reverse("api:person-list"), {"ordering": "updated"}).json()["results"]
    assert [p["id"] for p in ordered] == [second.person.slug, first.person.slug]
    assert client.get(reverse("api:person-list"), {"ordering": "sex"}).status_code == 400


# Change feed -----------------------------------------------------------------------------------


def _feed(client, since=0, **params):
    return client.get(reverse("api:changes"), {"since": since, **params}).json()


def test_change_feed_lists_changes_in_order_and_pages_with_a_cursor(api_client_for, law):
    case = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.1"), on=D(2022, 6, 1))
    client = api_client_for("anonymous")
    everything = _feed(client, limit=500)
    cursors = [c["cursor"] for c in everything["results"]]
    times = [c["at"] for c in everything["results"]]
    assert times == sorted(times) and len(set(cursors)) == len(cursors) and not everything["has_more"]
    actions = [(c["object_type"], c["action"]) for c in everything["results"]]
    assert ("charge", "reclassified") in actions and ("person", "created") in actions

    pages, since = [], 0
    while True:
        page = _feed(client, since, limit=2)
        pages += page["results"]
        since = page["next_cursor"]
        if not page["has_more"]:
            break
    assert [c["cursor"] for c in pages] == cursors


def test_change_feed_shows_a_withdrawal_as_a_removal_without_content(api_client_for, law):
    case = make_published_case(confidential_text="CANARYfeed")
    client = api_client_for("anonymous")
    since = _feed(client)["next_cursor"]
    services.withdraw_person(person=case.person)

    page = _feed(client, since)
    assert [(c["object_type"], c["action"], c["object_id"]) for c in page["results"]] == [
        ("person", "removed", str(case.person.public_id))
    ]
    everything = json.dumps(_feed(client))
    assert "CANARYfeed" not in everything
    assert str(case.public_id) not in everything  # the old changes of a withdrawn person are gone


def test_change_feed_hides_drafts_and_internal_events(api_client_for, law):
    make_published_case(publish=False)
    case = make_published_case()
    services.record_event(case=case, kind="other", date=case.detention_date, text="internal", is_public=False)
    anonymous = _feed(api_client_for("anonymous"))["results"]
    assert {c["person"] for c in anonymous} == {case.person.slug}
    internal = case.events.get(is_public=False)
    assert str(internal.public_id) not in json.dumps(anonymous)
    staff = _feed(api_client_for("staff:viewer"))["results"]
    assert str(internal.public_id) in json.dumps(staff)


def test_change_feed_refuses_a_bad_cursor(api_client_for, law):
    response = api_client_for("anonymous").get(reverse("api:changes"), {"since": "yesterday"})
    assert response.status_code == 400 and "since" in response.json()


# Exports ---------------------------------------------------------------------------------------


def test_csv_export_streams_the_filtered_list_with_formulas_neutralised(api_client_for, law):
    case = make_published_case(charges=("289.1",))
    services.update_person(person=case.person, occupation='=HYPERLINK("http://evil")')
    make_published_case(charges=("342.1",))
    response = api_client_for("anonymous").get(reverse("api:person-export", args=["csv"]), {"article": "289"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["id"] for r in rows] == [case.person.slug]
    assert rows[0]["occupation"] == '\'=HYPERLINK("http://evil")'


def test_csv_cells_starting_with_formula_characters_are_prefixed():
    from api.exports import neutralise

    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", "")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
    ]


def test_json_export_is_the_whole_list(api_client_for, law):
    for _ in range(3):
        make_published_case()
    response = api_client_for("anonymous").get(reverse("api:case-export", args=["json"]))
    rows = json.loads(b"".join(response.streaming_content))
    assert len(rows) == 3 and all("charges" in r for r in rows)


# Intake ----------------------------------------------------------------------------------------


def test_submission_lands_in_moderation_and_is_never_public(api_client_for, law):
    client = api_client_for("key:write:submissions")
    response = client.post(
        reverse("api:submission-list"),
        {
            "name": "Вымыслаў Новы",
            "detention_date": "2026-11-01",
            "articles": ["ч.1 ст.342"],
            "contact": "CANARYreporter",
            "region": "grodno",
        },
        format="json",
    )
    assert response.status_code == 201
    submission = Submission.objects.get(public_id=response.json()["id"])
    assert submission.state == "pending"
    public = api_client_for("anonymous")
    assert "Новы" not in json.dumps(public.get(reverse("api:person-list")).json())

    person = intake.accept_submission(
        submission=submission, by=UserFactory(), read_articles=parse_charges
    ).person
    assert person.publication_state == "draft"
    assert person.primary_name.text == "Вымыслаў Новы" and "CANARYreporter" in person.contacts
    assert "CANARYreporter" not in person.internal_notes  # a contact: for the Sources group only
    assert person.cases.get().detention_date.isoformat() == "2026-11-01"
    assert public.get(reverse("api:person-detail", args=[person.slug])).status_code == 404


def test_submission_with_bad_input_gets_clear_errors(api_client_for, law):
    response = api_client_for("key:write:submissions").post(
        reverse("api:submission-list"),
        {"detention_date": "yesterday", "source_url": "not a url"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "detention_date", "source_url"}


def test_submission_content_is_deleted_after_the_retention_period(law, organisation, settings):
    import datetime

    from django.utils import timezone

    settings.SUBMISSION_RETENTION_DAYS = 30
    old = intake.receive_submission(organisation=organisation, payload={"name": "Стары Запіс"})
    recent = intake.receive_submission(organisation=organisation, payload={"name": "Новы Запіс"})
    pending = intake.receive_submission(organisation=organisation, payload={"name": "Чакае Запіс"})
    staff = UserFactory()
    intake.reject_submission(submission=old, by=staff, note="duplicate")
    intake.reject_submission(submission=recent, by=staff, note="duplicate")
    Submission.objects.filter(pk=old.pk).update(handled_at=timezone.now() - datetime.timedelta(days=31))

    assert retention.delete_expired_payloads() == 1
    old.refresh_from_db(), recent.refresh_from_db(), pending.refresh_from_db()
    assert old.payload is None and old.payload_deleted_at is not None
    assert recent.payload == {"name": "Новы Запіс"} and pending.payload == {"name": "Чакае Запіс"}


# Query counts ----------------------------------------------------------------------------------

LIST_ENDPOINTS = [
    "api:person-list",
    "api:case-list",
    "api:charge-list",
    "api:event-list",
    "api:assessment-list",
    "api:changes",
]


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_list_endpoints_use_the_same_number_of_queries_for_1_and_50_rows(api_client_for, law, endpoint):
    from cases.models import Case, RiskAssessment

    client = api_client_for("anonymous")

    def count_queries():
        cache.clear()  # the list's count is kept per data version: every answer here is built
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(endpoint))
        assert response.status_code == 200
        return len(queries)

    def add_case():
        case = make_published_case(charges=("342.1", "289.1"))
        RiskAssessment.objects.create(
            case=case,
            level="watch",
            reasons=[],
            rules_version="t",
            law_checksum="t",
            generation=1,
            assessed_on=case.detention_date,
        )
        return case

    add_case()
    one = count_queries()
    for _ in range(49):
        add_case()
    assert Case.objects.count() == 50
    assert count_queries() == one


def test_schema_describes_every_endpoint(api_client_for, law):
    schema = api_client_for("anonymous").get(reverse("schema"), {"format": "json"}).json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/people/",
        "/api/v1/people/{slug}/",
        "/api/v1/cases/",
        "/api/v1/charges/{public_id}/chain/",
        "/api/v1/changes/",
        "/api/v1/statistics/",
        "/api/v1/submissions/",
        "/api/v1/people/export.{filetype}/",
    ):
        assert path in paths
    params = {p["name"] for p in schema["paths"]["/api/v1/people/"]["get"]["parameters"]}
    assert {
        "q",
        "article",
        "region",
        "status",
        "risk_level",
        "updated_since",
        "ordering",
        "page_size",
    } <= params


def test_api_docs_answer_other_methods_with_405_not_a_server_error(client, law):
    assert client.options(reverse("api-docs")).status_code == 405


def test_api_docs_are_served_from_the_app_without_a_cdn(client, law):
    response = client.get(reverse("api-docs"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in content
    assert "cdn" not in content.lower() and "unpkg" not in content and "jsdelivr" not in content


# Webhooks (scope `webhooks`) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hook", "https"),
        ("https://127.0.0.1/hook", "public address"),
        ("https://10.0.0.5/hook", "public address"),
        ("https://[::1]/hook", "public address"),
        ("https://user:pw@93.184.215.14/hook", "credentials"),
    ],
)
def test_webhook_urls_that_point_inside_are_refused(api_client_for, law, url, message):
    response = api_client_for("key:webhooks").post(reverse("api:webhook-list"), {"url": url}, format="json")
    assert response.status_code == 400
    assert message in response.json()["url"][0]


def test_webhook_secret_is_shown_once_and_subscriptions_are_per_organisation(api_client_for, law):
    from cases.models import Organisation, WebhookSubscription

    client = api_client_for("key:webhooks")
    created = client.post(
        reverse("api:webhook-list"), {"url": "https://93.184.215.14/hook"}, format="json"
    ).json()
    assert len(created["secret"]) > 30
    listed = client.get(reverse("api:webhook-list")).json()["results"]
    assert [w["url"] for w in listed] == ["https://93.184.215.14/hook"] and "secret" not in listed[0]
    other = Organisation.objects.create(name="Another group")
    WebhookSubscription.objects.create(organisation=other.name, partner=other, url="https://93.184.215.15/x")
    assert len(client.get(reverse("api:webhook-list")).json()["results"]) == 1
    assert client.delete(reverse("api:webhook-detail", args=[created["id"]])).status_code == 204
    assert not WebhookSubscription.objects.filter(partner__name="Synthetic Advocacy Group").exists()


def test_article_list_uses_the_same_number_of_queries_however_many_articles(api_client_for, law):
    from cases.models import Article, Jurisdiction

    client = api_client_for("anonymous")
    url = reverse("api:article-list") + "?page_size=200"

    def count_queries():
        cache.clear()  # the list's count is kept per data version: every answer here is built
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count_queries()
    extra = Jurisdiction.objects.create(
        code="XX", name="Synthetic", code_title="t", death_penalty="abolished"
    )
    Article.objects.bulk_create(
        [Article(jurisdiction=extra, number=str(900 + n), title_en="t") for n in range(50)]
    )
    assert count_queries() == before


@pytest.mark.parametrize("path", ["api:person-list", "api:case-list"])
def test_updated_since_with_an_offset_postgresql_cannot_store_is_read_in_utc(client, law, path):
    """Found by schemathesis: '-20:14' is a valid ISO offset for Python, out of range for PostgreSQL."""
    response = client.get(reverse(path), {"updated_since": "1354-04-30T08:33:37.83-20:14"})
    assert response.status_code == 200
