"""The staff admin, seen by each group: what they can open, change and do."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.models import AuditEntry, Case, Charge, Person, Release
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from tests.factories import CaseFactory, ChargeFactory, PersonFactory, UserFactory, article

pytestmark = pytest.mark.django_db

ALL_GROUPS = [VIEWER, EDITOR, PUBLISHER]


@pytest.fixture
def client_for(client):
    def login(group):
        user = UserFactory(groups=[group])
        client.force_login(user)
        return client

    return login


@pytest.fixture
def charged_case(law):
    charge = ChargeFactory(article=article("218.2"), charged_on=datetime.date(2022, 3, 2))
    return charge.case


@pytest.mark.parametrize("group", ALL_GROUPS)
def test_person_list_shows_names_for_every_group(client_for, charged_case, group):
    response = client_for(group).get(reverse("admin:cases_person_changelist"))
    assert response.status_code == 200
    assert "Тэставы Явар" in response.content.decode()


@pytest.mark.parametrize("query", ["Тэставы", "Тестовый", "Testavy", "yavar", "Testavyj", "Тэстав"])
def test_person_search_finds_any_name_in_any_script(client_for, charged_case, query):
    PersonFactory(names=[("Іншы Чалавек", "be_cyrl", "official_be", True)])
    response = client_for(VIEWER).get(reverse("admin:cases_person_changelist"), {"q": query})
    content = response.content.decode()
    assert "Тэставы Явар" in content and "Іншы Чалавек" not in content


@pytest.mark.parametrize(
    "params",
    [
        {"publication_state__exact": "draft"},
        {"cases__status__exact": "detained"},
        {"cases__jurisdiction__id__exact": "BY"},
        {"article": "ARTICLE"},
    ],
)
def test_person_list_filters_narrow_the_list(client_for, charged_case, params):
    other = PersonFactory(names=[("Іншы Чалавек", "be_cyrl", "official_be", True)])
    CaseFactory(person=other, status="released")
    services.publish_person(person=other)
    params = {k: (str(article("218.2").pk) if v == "ARTICLE" else v) for k, v in params.items()}
    if "cases__jurisdiction__id__exact" in params:
        params["cases__jurisdiction__id__exact"] = str(charged_case.jurisdiction_id)
        CaseFactory(person=other, jurisdiction=article("105.2", "RU").jurisdiction)
        other.cases.filter(jurisdiction__code="BY").delete()
    response = client_for(VIEWER).get(reverse("admin:cases_person_changelist"), params)
    content = response.content.decode()
    assert "Тэставы Явар" in content and "Іншы Чалавек" not in content


def test_person_list_filters_by_region(client_for, charged_case):
    region = charged_case.jurisdiction.regions.get(code="grodno")
    Person.objects.filter(pk=charged_case.person_id).update(region=region)
    PersonFactory(names=[("Іншы Чалавек", "be_cyrl", "official_be", True)])
    response = client_for(VIEWER).get(
        reverse("admin:cases_person_changelist"), {"region__id__exact": region.pk}
    )
    content = response.content.decode()
    assert "Тэставы Явар" in content and "Іншы Чалавек" not in content


@pytest.mark.parametrize(("group", "can_save"), [(VIEWER, False), (EDITOR, True), (PUBLISHER, True)])
def test_case_change_page_shows_charges_and_save_only_to_editors(client_for, charged_case, group, can_save):
    response = client_for(group).get(reverse("admin:cases_case_change", args=[charged_case.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "art. 218 part 2" in content
    assert ('name="_save"' in content) is can_save
    assert ("Reclassify</a>" in content) is can_save


@pytest.mark.parametrize("group", ALL_GROUPS)
def test_person_history_page_opens_for_every_group(client_for, charged_case, group):
    response = client_for(group).get(reverse("admin:cases_person_history", args=[charged_case.person_id]))
    assert response.status_code == 200


@pytest.mark.parametrize(("group", "status"), [(VIEWER, 403), (EDITOR, 200), (PUBLISHER, 200)])
def test_reclassify_form_opens_only_for_editors(client_for, charged_case, group, status):
    charge = charged_case.charges.get()
    response = client_for(group).get(reverse("admin:cases_charge_reclassify", args=[charge.pk]))
    assert response.status_code == status
    if status == 200:
        assert "art. 289 part 3" in response.content.decode()  # a choice of the new article


def test_reclassify_form_calls_the_service(client_for, charged_case):
    charge = charged_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_reclassify", args=[charge.pk]),
        {"to_article": article("289.1").pk, "stage": "completed", "on": "2022-06-01", "note": "synthetic"},
    )
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.state == "reclassified"
    assert charge.reclassified_into.article == article("289.1")
    assert charge.reclassification.note == "synthetic"


def test_reclassify_form_shows_a_refusal_and_changes_nothing(client_for, charged_case):
    charge = charged_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_reclassify", args=[charge.pk]),
        {"to_article": article("289.1").pk, "stage": "completed", "on": "2022-01-01"},
    )
    assert response.status_code == 200
    assert "before the charge was brought" in response.content.decode()
    charge.refresh_from_db()
    assert charge.state == "active" and Charge.objects.count() == 1


def test_reclassify_form_refuses_a_charge_no_longer_active(client_for, charged_case):
    charge = charged_case.charges.get()
    services.end_charge(charge=charge, state="dropped", on=datetime.date(2022, 5, 1))
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_reclassify", args=[charge.pk]),
        {"to_article": article("289.1").pk, "stage": "completed", "on": "2022-06-01"},
    )
    assert "Only an active charge can be reclassified" in response.content.decode()


def test_end_charge_form_closes_the_charge(client_for, charged_case):
    charge = charged_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_end", args=[charge.pk]), {"state": "dropped", "on": "2022-05-01"}
    )
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.state == "dropped"


@pytest.mark.parametrize(("group", "offered"), [(VIEWER, False), (EDITOR, False), (PUBLISHER, True)])
def test_publish_action_is_offered_only_to_publishers(client_for, charged_case, group, offered):
    content = client_for(group).get(reverse("admin:cases_person_changelist")).content.decode()
    assert ('value="publish_selected"' in content) is offered


def test_publish_action_publishes_through_the_service(client_for, charged_case):
    response = client_for(PUBLISHER).post(
        reverse("admin:cases_person_changelist"),
        {"action": "publish_selected", "_selected_action": [charged_case.person_id]},
    )
    assert response.status_code == 302
    charged_case.person.refresh_from_db()
    assert charged_case.person.publication_state == "published"
    assert charged_case.person.published_at is not None


def test_publish_action_posted_by_an_editor_changes_nothing(client_for, charged_case):
    client_for(EDITOR).post(
        reverse("admin:cases_person_changelist"),
        {"action": "publish_selected", "_selected_action": [charged_case.person_id]},
    )
    charged_case.person.refresh_from_db()
    assert charged_case.person.publication_state == "draft"


def test_editor_edits_a_person_and_the_history_names_them(client_for, charged_case):
    person = charged_case.person
    client = client_for(EDITOR)
    names = list(person.names.order_by("id"))
    data = {
        "sex": "male",
        "birth_date": "1990-04-12",
        "birth_date_precision": "day",
        "is_official_or_military": "false",
        "region": "",
        "citizenship": "BY",
        "occupation": "welder",
        "biography": "Synthetic biography.",
        "content_language": "en",  # the page's select always sends one
        "internal_notes": "",
        "names-TOTAL_FORMS": str(len(names)),
        "names-INITIAL_FORMS": str(len(names)),
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
        "external_ids-TOTAL_FORMS": "0",
        "external_ids-INITIAL_FORMS": "0",
        "cases-TOTAL_FORMS": "1",
        "cases-INITIAL_FORMS": "1",
        "cases-MIN_NUM_FORMS": "0",
        "cases-MAX_NUM_FORMS": "1000",
        "cases-0-id": str(charged_case.pk),
        "cases-0-person": str(person.pk),
        "designations-TOTAL_FORMS": "0",
        "designations-INITIAL_FORMS": "0",
        "contact_log-TOTAL_FORMS": "0",
        "contact_log-INITIAL_FORMS": "0",
        "particular_risks-TOTAL_FORMS": "0",
        "particular_risks-INITIAL_FORMS": "0",
    }
    for i, name in enumerate(names):
        data |= {
            f"names-{i}-id": name.pk,
            f"names-{i}-person": person.pk,
            f"names-{i}-text": name.text,
            f"names-{i}-script": name.script,
            f"names-{i}-kind": name.kind,
            f"names-{i}-is_primary": "on" if name.is_primary else "",
            f"names-{i}-as_of_precision": name.as_of_precision,
        }
    response = client.post(reverse("admin:cases_person_change", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.occupation == "welder"
    assert person.history.first().history_user.groups.get().name == EDITOR


@pytest.mark.parametrize("group", [VIEWER, EDITOR])
def test_law_data_is_read_only_below_publisher(client_for, law, group):
    part = article("289.3")
    content = client_for(group).get(reverse("admin:cases_article_change", args=[part.pk])).content.decode()
    assert 'name="_save"' not in content


def test_publisher_can_edit_law_data(client_for, law):
    part = article("289.3")
    content = (
        client_for(PUBLISHER).get(reverse("admin:cases_article_change", args=[part.pk])).content.decode()
    )
    assert 'name="_save"' in content


def _case_post_data(case, charge_rows):
    data = {
        "case_number": case.case_number,
        "investigating_body": "",
        "status": case.status,
        "detention_date": str(case.detention_date),
        "detention_date_precision": case.detention_date_precision,
        "detention_place": "",
        "court": "",
        "verdict_date": "",
        "verdict_date_precision": "day",
        "verdict_final_on": "",
        "verdict_final_on_precision": "day",
        "sentence_kind": "",
        "sentence_years": "",
        "sentence_months": "",
        "sentence_regime": "",
        "recognised_on": "",
        "recognised_on_precision": "day",
        "recognised_by": "",
        "recognition_statement_url": "",
        "recognition_criteria": "[]",
        "release-TOTAL_FORMS": "0",
        "release-INITIAL_FORMS": "0",
        "release-MIN_NUM_FORMS": "0",
        "release-MAX_NUM_FORMS": "1",
        "stays-TOTAL_FORMS": "0",
        "stays-INITIAL_FORMS": "0",
        "stays-MIN_NUM_FORMS": "0",
        "stays-MAX_NUM_FORMS": "1000",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "hearings-TOTAL_FORMS": "0",
        "hearings-INITIAL_FORMS": "0",
        "hearings-MIN_NUM_FORMS": "0",
        "hearings-MAX_NUM_FORMS": "1000",
        "charges-TOTAL_FORMS": str(len(charge_rows)),
        "charges-MIN_NUM_FORMS": "0",
        "charges-MAX_NUM_FORMS": "1000",
        "charges-INITIAL_FORMS": str(sum(1 for row in charge_rows if row.get("id"))),
    }
    for i, row in enumerate(charge_rows):
        data |= {f"charges-{i}-{k}": v for k, v in row.items()}
        data[f"charges-{i}-case"] = case.pk
    return data


def test_case_page_adds_a_charge_through_the_service(client_for, charged_case):
    events = charged_case.events.count()
    existing = charged_case.charges.get()
    rows = [
        {
            "id": existing.pk,
            "article": existing.article_id,
            "stage": "completed",
            "offence_date": "2022-02-20",
            "charged_on": "2022-03-02",
            "source": "",
        },
        {
            "article": article("342.1").pk,
            "stage": "completed",
            "offence_date": "",
            "charged_on": "2022-04-01",
            "source": "",
        },
    ]
    response = client_for(EDITOR).post(
        reverse("admin:cases_case_change", args=[charged_case.pk]), _case_post_data(charged_case, rows)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert charged_case.charges.filter(article=article("342.1")).exists()
    assert charged_case.events.count() == events + 1  # the 'charged' event of the service


def test_case_page_refuses_changing_the_article_of_an_existing_charge(client_for, charged_case):
    existing = charged_case.charges.get()
    rows = [
        {
            "id": existing.pk,
            "article": article("289.3").pk,
            "stage": "completed",
            "offence_date": "2022-02-20",
            "charged_on": "2022-03-02",
            "source": "",
        }
    ]
    response = client_for(EDITOR).post(
        reverse("admin:cases_case_change", args=[charged_case.pk]), _case_post_data(charged_case, rows)
    )
    assert response.status_code == 200
    assert "changes only by Reclassify" in response.content.decode()
    existing.refresh_from_db()
    assert existing.article == article("218.2")


@pytest.fixture
def raised_alert(law, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        charge = ChargeFactory(
            article=article("342.1"),
            offence_date=datetime.date(2022, 2, 20),
            charged_on=datetime.date(2022, 3, 2),
        )
        services.reclassify_charge(charge=charge, to_article=article("289.3"), on=datetime.date(2022, 6, 1))
    from cases.models import RiskAlert

    return RiskAlert.objects.get(new_level="critical")


def test_triage_queue_lists_open_alerts_with_their_reasons(client_for, raised_alert):
    client = client_for(VIEWER)
    content = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()
    assert "→ critical" in content
    detail = client.get(reverse("admin:cases_riskalert_change", args=[raised_alert.pk])).content.decode()
    assert "carries the death penalty" in detail
    assert 'name="_save"' not in detail  # viewers do not triage


def test_editor_acknowledges_and_resolves_an_alert_in_the_admin(client_for, raised_alert):
    client = client_for(EDITOR)
    client.post(
        reverse("admin:cases_riskalert_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [raised_alert.pk]},
    )
    raised_alert.refresh_from_db()
    assert raised_alert.state == "acknowledged" and raised_alert.acknowledged_by.groups.get().name == EDITOR

    response = client.post(
        reverse("admin:cases_riskalert_resolve", args=[raised_alert.pk]),
        {"note": "Family and lawyer informed."},
    )
    assert response.status_code == 302
    raised_alert.refresh_from_db()
    assert (raised_alert.state, raised_alert.resolution_note) == ("resolved", "Family and lawyer informed.")
    assert raised_alert.resolved_at is not None


def test_triage_queue_puts_open_alerts_above_resolved_ones(client_for, raised_alert):
    resolver = UserFactory()
    older_open = raised_alert
    with_fall = services.end_charge(
        charge=older_open.case.charges.get(state="active"), state="dropped", on=datetime.date(2022, 9, 1)
    )
    from cases.models import RiskAlert
    from cases.risk.assessment import assess_case

    assess_case(case_id=with_fall.case_id)
    newer = RiskAlert.objects.exclude(pk=older_open.pk).latest("created_at")
    services.resolve_alert(alert=newer, note="Charge dropped; checked.", by=resolver)

    content = client_for(VIEWER).get(reverse("admin:cases_riskalert_changelist")).content.decode()
    assert content.index("→ critical") < content.index("→ no identified risk")


def test_migrated_groups_hold_exactly_the_declared_permissions(law):
    from django.contrib.auth.models import Group

    from cases.protection.permissions import group_permissions

    for name, codenames in group_permissions().items():
        granted = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert granted == codenames, name


def test_person_search_in_latin_finds_a_name_recorded_only_in_cyrillic(client_for, law):
    PersonFactory(names=[("Аляксандр Вымыслаў", "be_cyrl", "official_be", True)])
    PersonFactory(names=[("Сяргей Іншы", "be_cyrl", "official_be", True)])
    content = client_for(VIEWER).get(reverse("admin:cases_person_changelist"), {"q": "Aliaksandr"}).content
    assert "Аляксандр Вымыслаў" in content.decode() and "Сяргей Іншы" not in content.decode()


def _release_rows(**row):
    return {
        "release-TOTAL_FORMS": "1",
        "release-INITIAL_FORMS": "1" if row.get("id") else "0",
        **{f"release-0-{k}": v for k, v in row.items()},
    }


RELEASE_ROW = {
    "date": "2025-09-11",
    "date_precision": "day",
    "is_public": "on",
    "how": "exchange",
    "destination_country": "LT",
    "documents_withheld": "yes",
    "family_left_behind": "Mother stayed in Homiel.",
}


def test_case_page_records_a_release_through_the_service(client_for, charged_case):
    client = client_for(EDITOR)
    data = _case_post_data(charged_case, []) | _release_rows(**RELEASE_ROW)

    response = client.post(reverse("admin:cases_case_change", args=[charged_case.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    release = Release.objects.get(case=charged_case)
    assert (release.how, release.destination_country, release.family_left_behind) == (
        "exchange",
        "LT",
        "Mother stayed in Homiel.",
    )
    case = Case.objects.get(pk=charged_case.pk)
    assert case.status == "deported"
    assert case.release_event.date == datetime.date(2025, 9, 11)


def test_case_page_refuses_a_release_before_the_detention_and_says_why(client_for, charged_case):
    client = client_for(EDITOR)
    row = RELEASE_ROW | {"date": "2019-01-01", "date_precision": "year"}

    response = client.post(
        reverse("admin:cases_case_change", args=[charged_case.pk]),
        _case_post_data(charged_case, []) | _release_rows(**row),
    )

    assert response.status_code == 200
    assert "The release cannot come before the detention." in response.content.decode()
    assert not Release.objects.filter(case=charged_case).exists()


def test_case_page_corrects_a_release_and_shows_its_day(client_for, charged_case):
    release = services.record_release(case=charged_case, how="pardon", date=datetime.date(2025, 9, 11))
    client = client_for(EDITOR)
    page = client.get(reverse("admin:cases_case_change", args=[charged_case.pk])).content.decode()
    assert 'value="2025-09-11"' in page

    row = RELEASE_ROW | {
        "id": release.pk,
        "case": charged_case.pk,
        "date": "2025-09-12",
        "family_left_behind": "",
    }
    response = client.post(
        reverse("admin:cases_case_change", args=[charged_case.pk]),
        _case_post_data(charged_case, []) | _release_rows(**row),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    release.refresh_from_db()
    assert (release.how, Case.objects.get(pk=charged_case.pk).release_event.date) == (
        "exchange",
        datetime.date(2025, 9, 12),
    )


def test_reading_a_release_with_family_left_behind_is_audited(client_for, charged_case):
    services.record_release(
        case=charged_case, how="pardon", date=datetime.date(2025, 9, 11), family_left_behind="Wife in Minsk."
    )

    client_for(VIEWER).get(reverse("admin:cases_case_change", args=[charged_case.pk]))

    entry = AuditEntry.objects.get(object_type="case")
    assert entry.fields == ["release.family_left_behind"]


def test_case_list_filters_released_people_by_how(client_for, charged_case):
    services.record_release(case=charged_case, how="amnesty", date=datetime.date(2025, 9, 11))
    CaseFactory()

    page = (
        client_for(VIEWER)
        .get(reverse("admin:cases_case_changelist") + "?release__how=amnesty")
        .content.decode()
    )

    assert "1 case" in page and charged_case.case_number in page
