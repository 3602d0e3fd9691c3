"""The whole-registry export (staff and public, JSON and CSV) and the lossless import."""

import csv
import datetime
import io
import json
import logging
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases import choices, services
from cases.models import (
    AuditEntry,
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    ChargeToReview,
    Claim,
    ExternalIdentifier,
    Facility,
    FacilityStay,
    Hearing,
    LetterCount,
    NameSource,
    Organisation,
    ParticularRisk,
    PartnerAPIKey,
    Person,
    PersonMerge,
    PersonName,
    PrisonerContact,
    Reclassification,
    Region,
    Release,
    RiskAlert,
    RiskAssessment,
    Source,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.protection.permissions import SOURCES, VIEWER
from cases.risk.assessment import assess_all_cases
from cases.services import NameSpec, claims
from cases.transfer.exporting import (
    ImportRefused,
    _read,
    export_registry_csv,
    export_registry_json,
    import_registry_json,
)
from tests.factories import FacilityFactory, SourceFactory, UserFactory, article, jurisdiction

D = datetime.date
MARK = "MARKER9c2e"


def _source(title, *, confidential=False, contact=""):
    return services.save_detail(
        instance=Source(
            kind="relative" if confidential else "publication",
            title=title,
            url="https://example.org/" + title.replace(" ", "-"),
            published_on=D(2022, 5, 1),
            confidential=confidential,
            contact=contact,
        )
    )


@pytest.fixture
def registry(law):
    """Three people in every state, in three scripts, with every kind of record an export carries,
    and a distinctive marker in every confidential field."""
    public = _source("Synthetic public report")
    secret = _source(f"Confidential informant {MARK}", confidential=True, contact=f"phone {MARK}")
    minsk = Region.objects.get(jurisdiction__code="BY", code="minsk")
    pre_trial, colony = FacilityFactory(region=minsk), FacilityFactory(kind="colony")

    ales = services.create_person(
        names=[
            NameSpec("Алесь Выдуманы", "be_cyrl", "official_be", is_primary=True),
            NameSpec("Алесь Выдуманный", "ru_cyrl", "official_ru"),
            NameSpec("Ales Vydumany", "latin", "passport_latin", source=public),  # who spelled it so
        ],
        sex="male",
        birth_date=D(1985, 6, 1),
        birth_date_precision="month",
        region=minsk,
        occupation='=HYPERLINK("http://evil.example")',
        biography="A synthetic biography.",
        internal_notes=f"notes {MARK}",
        contacts=f"family {MARK}",
    )
    ExternalIdentifier.objects.create(person=ales, scheme="prisoners-list", value="1234")
    ExternalIdentifier.objects.create(person=ales, scheme="url", value="https://example.org/p/1234")
    # Keeping in touch (issue 19): a letter known by its month from a confidential source, a visit
    # a partner reported, and the silence published.
    services.record_contact(
        person=ales, channel="letter", date=D(2023, 5, 1), date_precision="month", details=f"said {MARK}",
        sources=[secret],
    )  # fmt: skip
    services.record_contact(
        person=ales, channel="lawyer_visit", date=D(2023, 6, 2), sources=[public],
        reported_by=Organisation.objects.get_or_create(name="Synthetic Letters Project")[0],
    )  # fmt: skip
    services.update_person(person=ales, silence_public=True, patronymic="Иванович", letters_welcome=True)
    services.record_particular_risk(
        person=ales, kind="denied_medical_care", date=D(2023, 7, 1), date_precision="month",
        details=f"insulin {MARK}", sources=[secret], is_public=True,
        public_text="Denied insulin (synthetic).",
    )  # fmt: skip
    services.report_letters(
        person=ales, organisation=Organisation.objects.get(name="Synthetic Letters Project"),
        period_start=D(2023, 6, 1), period_end=D(2023, 6, 30), letters_sent=11,
    )  # fmt: skip
    case = services.create_case(
        person=ales,
        jurisdiction=jurisdiction(),
        case_number="SYN-1",
        detention_date=D(2022, 3, 1),
        detention_place="Minsk",
        status="on_trial",
        recognised_on=D(2022, 4, 1),
        recognition_criteria=["1.2", "1.3"],
    )
    services.update_case(case=case, investigating_body="+7 Investigative Committee")
    services.schedule_hearing(
        case=case, court="Minsk City Court", day=D(2022, 9, 5), kind="trial", room="4",
        openness="closed", internal_note=f"the family will come {MARK}", sources=[public], is_public=True,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(judge="Synthetic Judge", prosecutor="Synthetic Prosecutor")
    kept = services.add_charge(
        case=case,
        article=article("342.1"),
        offence_date=D(2022, 2, 20),
        charged_on=D(2022, 3, 2),
        source=public,
    )
    moved = services.add_charge(case=case, article=article("218.2"), charged_on=D(2022, 3, 2), source=secret)
    middle = services.reclassify_charge(
        charge=moved, to_article=article("289.1"), on=D(2022, 6, 1), source=public, note=f"why {MARK}"
    )
    services.reclassify_charge(charge=middle, to_article=article("289.3"), on=D(2022, 9, 1), stage="attempt")
    services.end_charge(charge=kept, state="dropped", on=D(2022, 10, 1))
    services.record_event(
        case=case,
        kind="other",
        date=D(2022, 4, 2),
        text=f"internal {MARK}",
        is_public=False,
        sources=[secret],
    )
    services.record_event(
        case=case,
        kind="trial",
        date=D(2022, 11, 1),
        text="Trial began.",
        is_public=True,
        sources=[public, secret],
    )
    services.transfer_person(case=case, facility=pre_trial, on=D(2022, 3, 2))
    services.transfer_person(case=case, facility=colony, on=D(2023, 1, 10))
    ChargeToReview.objects.create(
        case=case, text="ст. 999", article_number="999", reason="not in the law data"
    )
    services.publish_person(person=ales)

    draft = services.create_person(
        names=[
            NameSpec(f"Unpublished {MARK}", "latin", "passport_latin", is_primary=True),
            NameSpec("Непубликаваны Тэст", "be_cyrl", "official_be"),
        ],
        sex="female",
        birth_date=D(1970, 1, 1),
        birth_date_precision="year",
        internal_notes=f"draft {MARK}",
    )
    ru_case = services.create_case(person=draft, jurisdiction=jurisdiction("RU"), status="detained")
    services.add_charge(case=ru_case, article=article("357", "RU"), charged_on=D(2023, 2, 1))
    # How she left custody (issue 18), with the family left behind: staff-confidential.
    services.record_release(
        case=ru_case,
        how="exchange",
        date=D(2024, 1, 1),
        date_precision="year",
        destination_country="LT",
        documents_withheld="yes",
        family_left_behind=f"family left {MARK}",
        sources=[public],
    )

    withdrawn = services.create_person(
        names=[NameSpec(f"Withdrawn {MARK}", "latin", "passport_latin", is_primary=True)]
    )
    services.create_case(person=withdrawn, jurisdiction=jurisdiction(), detention_date=D(2021, 8, 9))
    services.publish_person(person=withdrawn)
    services.withdraw_person(person=withdrawn)

    # What sources say (docs/claims.md): an accepted word, a conflict, one set aside, a person's fact.
    claims.record_claim(
        fact="case.verdict_date", person=ales, case=case, value=("2022-09-01", "month"), source=public
    )
    claims.record_claim(fact="case.verdict_date", person=ales, case=case, value="2022-09-14", source=secret)
    claims.record_claim(
        fact="case.verdict_final_on", person=ales, case=case, value=("2022-11-01", "month"), source=public
    )
    wrong = claims.record_claim(
        fact="person.sex",
        person=ales,
        value="female",
        source=public,
        note=f"claim {MARK}",
    )
    claims.set_aside_claim(claim=wrong, note="a mix-up of two people")
    # A charge's fact: the record's value becomes an unsourced claim, the other word conflicts.
    first_charge = case.charges.order_by("pk").first()
    claims.record_claim(
        fact="charge.charged_on",
        person=ales,
        case=case,
        charge=first_charge,
        value=("2022-03-01", "month"),
        source=public,
    )
    # A second source that gives a known spelling, as of a day.
    services.cite_person_name(name=ales.names.get(text="Ales Vydumany"), source=secret, as_of=D(2023, 5, 6))
    # A stay's facts: its first day known to the month; a source that ends it on another day.
    pre_trial_stay = case.stays.get(facility=pre_trial)
    services.correct_stay(stay=pre_trial_stay, start_date=D(2022, 3, 1), start_date_precision="month")
    claims.record_claim(
        fact="stay.end_date",
        person=ales,
        case=case,
        stay=pre_trial_stay,
        value=("2023-01-01", "month"),
        source=public,
    )

    assess_all_cases(on=D(2024, 1, 1))
    return {"ales": ales, "case": case, "draft": draft, "withdrawn": withdrawn}


def _json(audience: str) -> str:
    out = io.StringIO()
    export_registry_json(out, audience)
    return out.getvalue()


def _csv(audience: str) -> str:
    out = io.StringIO()
    export_registry_csv(out, audience)
    return out.getvalue()


def _without_exported_at(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]*"', '"exported_at": ""', text, count=1)


def _empty_registry():
    """What a fresh installation with the same law data holds: no people, sources or facilities."""
    Submission = Organisation.submissions.rel.related_model
    Submission.objects.update(person=None)
    for model in (
        WebhookDelivery,
        RiskAlert,
        PrisonerContact.sources.through,
        PrisonerContact,
        ParticularRisk.sources.through,
        ParticularRisk,
        Hearing.sources.through,
        Hearing,
        LetterCount,
        RiskAssessment,
        ChangeRecord,
        Claim,
        CaseEvent.sources.through,
        CaseEvent,
        Reclassification,
        FacilityStay,
        Release,
        ChargeToReview,
        Charge,
        Case,
        ExternalIdentifier,
        NameSource,
        PersonName,
        PersonMerge,
        Person,
        Source,
        Facility,
    ):
        model.objects.all()._raw_delete(model.objects.db)


# The round trip -------------------------------------------------------------------------------


def test_staff_json_export_imports_into_an_empty_registry_and_exports_byte_identical(registry):
    first = _json("staff")
    claims_before = sorted(
        Claim.objects.values_list("public_id", "state", "fact", "charge__public_id", "stay__public_id")
    )
    stays_before = sorted(FacilityStay.objects.values_list("public_id", "start_date", "start_date_precision"))
    user = UserFactory()
    _empty_registry()

    report = import_registry_json(io.StringIO(first), by=user)
    second = _json("staff")

    assert len(claims_before) == 9 and {c[1] for c in claims_before} >= {
        "accepted",
        "superseded",
        "conflicting",
    }
    assert sum(1 for c in claims_before if c[3] is not None) == 2  # on a charge, and still on it
    assert sum(1 for c in claims_before if c[4] is not None) == 2  # on a stay, and still on it
    assert (
        sorted(
            Claim.objects.values_list("public_id", "state", "fact", "charge__public_id", "stay__public_id")
        )
        == claims_before
    )
    assert sorted(FacilityStay.objects.values_list("public_id", "start_date", "start_date_precision")) == (
        stays_before
    )
    assert "month" in {s[2] for s in stays_before}
    cited = NameSource.objects.select_related("source", "name").get()
    assert (cited.source.title, cited.as_of, cited.name.text) == (
        f"Confidential informant {MARK}",
        D(2023, 5, 6),
        "Ales Vydumany",
    )

    assert report.people == 3 and report.charges == 5
    assert PersonName.objects.get(text="Ales Vydumany").source.title == "Synthetic public report"
    assert _without_exported_at(second) == _without_exported_at(first)


def test_import_keeps_invariants_search_keys_and_history_by_the_importing_user(registry):
    exported = _json("staff")
    level = Case.objects.get(pk=registry["case"].pk).risk_level
    user = UserFactory()
    _empty_registry()

    import_registry_json(io.StringIO(exported), by=user)

    ales = Person.objects.get(slug=registry["ales"].slug)
    assert all(n.search_key for n in ales.names.all())
    assert set(PersonName.objects.filter(text="Ales Vydumany").values_list("search_key", flat=True)) == {
        PersonName.objects.get(text="Алесь Выдуманы").search_key
    }
    assert not Charge.objects.exclude(person=ales).filter(case__person=ales).exists()
    chain = Charge.objects.get(article=article("218.2"))
    assert chain.reclassified_into.reclassified_into.article == article("289.3")
    assert ales.history.get().history_user == user
    case = ales.cases.get()
    # An attempt under 289 part 3 with no date of the act: the detention (1 March 2022) bounds it
    # before attempts became capital (29 May 2022), so the charge is ruled out by date: watch.
    assert case.risk_level == level == "watch" and not case.risk_stale
    assert case.expected_release_date is None


def test_imported_risk_digest_matches_a_fresh_assessment_so_no_new_history_is_written(registry):
    exported = _json("staff")
    _empty_registry()
    import_registry_json(io.StringIO(exported), by=UserFactory())
    before = RiskAssessment.objects.count()

    assess_all_cases(on=D(2024, 1, 1))

    assert RiskAssessment.objects.count() == before


# What each audience receives ------------------------------------------------------------------


def test_staff_export_carries_confidential_values_and_unpublished_people(registry):
    body = _json("staff")

    assert f"notes {MARK}" in body and f"phone {MARK}" in body and f"internal {MARK}" in body
    assert f"Unpublished {MARK}" in body and f"Withdrawn {MARK}" in body
    assert '"confidential": true' in body


def test_staff_export_never_holds_secrets(registry):
    organisation = Organisation.objects.create(name="Synthetic partner")
    key, raw_key = PartnerAPIKey.objects.create_key(
        name="k", organisation=organisation, scopes=["read:public"]
    )
    webhook = WebhookSubscription.objects.create(
        organisation="Synthetic partner", url="https://example.org/h"
    )
    user = UserFactory()

    for body in (_json("staff"), _csv("staff")):
        assert raw_key not in body and key.hashed_key not in body and key.prefix not in body
        assert webhook.secret not in body
        assert user.password not in body


def test_export_names_nothing_by_database_id(registry):
    document = json.loads(_json("staff"))

    assert document["articles"] == [
        ["BY", "218", "2"],
        ["BY", "289", "1"],
        ["BY", "289", "3"],
        ["BY", "342", "1"],
        ["RU", "357", ""],
    ]
    assert document["regions"] == [["BY", "minsk"]]
    person = next(p for p in document["people"] if p["slug"] == registry["ales"].slug)
    assert "id" not in person and "pk" not in person
    reasons = [r for a in person["cases"][0]["risk_assessments"] for r in a["reasons"]]
    assert reasons and all("charge_id" not in r for r in reasons)


def test_public_export_leaks_nothing_confidential_or_unpublished(registry):
    for body in (_json("public"), _csv("public")):
        assert MARK not in body
        assert "Confidential informant" not in body
        assert "Непубликаваны" not in body
        assert "Synthetic Judge" not in body


def test_public_export_holds_the_published_people_as_the_anonymous_api_shows_them(registry, client):
    document = json.loads(_json("public"))
    api_person = client.get(f"/api/v1/people/{registry['ales'].slug}/").json()

    assert [p["id"] for p in document["people"]] == [registry["ales"].slug]
    person = document["people"][0]
    assert set(person) == set(api_person)
    events = person["cases"][0]["events"]
    assert "trial" in {e["kind"] for e in events} and "other" not in {e["kind"] for e in events}
    titles = {s["title"] for e in events for s in e["sources"]}
    assert titles == {"Synthetic public report"}


def test_csv_has_one_row_per_person_with_charges_in_canonical_notation(registry):
    rows = list(csv.DictReader(io.StringIO(_csv("staff"))))

    assert len(rows) == 3
    ales = next(r for r in rows if r["slug"] == registry["ales"].slug)
    assert ales["current_charges"] == "ст. 14, ч. 3 ст. 289"
    assert "ч. 2 ст. 218 (reclassified)" in ales["charge_history"]
    assert ales["names"] == "Алесь Выдуманы | Алесь Выдуманный | Ales Vydumany"
    assert ales["external_ids"] == "prisoners-list:1234 | url:https://example.org/p/1234"
    assert ales["current_facility"] == Facility.objects.get(kind="colony").slug


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(registry):
    for audience in ("staff", "public"):
        rows = list(csv.DictReader(io.StringIO(_csv(audience))))
        occupations = [r["occupation"] for r in rows if r["occupation"]]
        assert occupations == ['\'=HYPERLINK("http://evil.example")']
    staff = list(csv.DictReader(io.StringIO(_csv("staff"))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in staff for cell in row.values())


# Refusals -------------------------------------------------------------------------------------


def test_import_refuses_a_registry_that_already_holds_people(registry):
    exported = _json("staff")

    with pytest.raises(ImportRefused, match="already holds 3 people"):
        import_registry_json(io.StringIO(exported), by=UserFactory())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"format": "something-else", "version": 1}', "not a registry export"),
        ('{"format": "registry-export", "version": 2, "audience": "staff"}', "version 2"),
        ('{"format": "registry-export", "version": 1, "audience": "public"}', "Only a staff export"),
        ('{"format": "registry-export", "version": 1, "audience": "staff"}', "incomplete or damaged"),
    ],
)
def test_import_refuses_a_bad_file_with_a_clear_message(law, content, message):
    with pytest.raises(ImportRefused, match=message):
        import_registry_json(io.StringIO(content), by=UserFactory())

    assert not Person.objects.exists()


def test_import_refuses_an_article_this_installation_does_not_know_and_writes_nothing(registry):
    document = json.loads(_json("staff"))
    _empty_registry()
    document["people"][0]["cases"][0]["charges"][0]["article"] = ["BY", "999", "7"]

    with pytest.raises(ImportRefused, match=r"not in this installation's law data: BY art\. 999 part 7"):
        import_registry_json(io.StringIO(json.dumps(document)), by=UserFactory())

    assert not Person.objects.exists() and not Source.objects.exists()


def test_import_refuses_a_claim_on_a_stay_the_file_does_not_hold_and_writes_nothing(registry):
    document = json.loads(_json("staff"))
    _empty_registry()
    case = next(c for p in document["people"] for c in p["cases"] if any(r["stay"] for r in c["claims"]))
    claim = next(r for r in case["claims"] if r["stay"])
    claim["stay"] = "00000000-0000-4000-8000-000000000000"

    with pytest.raises(ImportRefused, match="names a facility stay not in the file: 00000000-"):
        import_registry_json(io.StringIO(json.dumps(document)), by=UserFactory())

    assert not Person.objects.exists()


def test_import_refuses_a_row_that_breaks_a_rule_and_rolls_everything_back(registry):
    document = json.loads(_json("staff"))
    _empty_registry()
    person = next(p for p in document["people"] if p["cases"] and p["cases"][0]["charges"])
    person["cases"][0]["charges"][0]["stage"] = "rumoured"

    with pytest.raises(ImportRefused, match="stage"):
        import_registry_json(io.StringIO(json.dumps(document)), by=UserFactory())

    assert not Person.objects.exists() and not Source.objects.exists() and not Facility.objects.exists()


# Commands -------------------------------------------------------------------------------------


def test_export_command_writes_json_and_csv_to_a_file_or_stdout(registry, tmp_path):
    target = tmp_path / "registry.json"
    call_command("export_registry", "--format", "json", "--audience", "staff", "--output", str(target))
    out = io.StringIO()
    call_command("export_registry", "--format", "csv", "--audience", "public", stdout=out)

    assert json.loads(target.read_text(encoding="utf-8"))["audience"] == "staff"
    assert out.getvalue().startswith("id,sex,birth_year")
    assert MARK not in out.getvalue()


def test_import_command_loads_a_file_as_the_named_user(registry, tmp_path):
    target = tmp_path / "registry.json"
    call_command("export_registry", "--format", "json", "--audience", "staff", "--output", str(target))
    user = UserFactory(username="importer")
    _empty_registry()
    out = io.StringIO()

    call_command("import_registry", str(target), "--user", "importer", stdout=out)

    assert "Imported 3 people" in out.getvalue()
    assert Person.objects.get(slug=registry["ales"].slug).history.get().history_user == user


def test_import_command_refuses_with_the_reason_and_an_unknown_user(registry, tmp_path):
    target = tmp_path / "registry.json"
    call_command("export_registry", "--output", str(target))
    UserFactory(username="importer")

    with pytest.raises(CommandError, match="already holds"):
        call_command("import_registry", str(target), "--user", "importer")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_registry", str(target), "--user", "nobody")


def test_export_of_an_empty_registry_is_a_valid_document(law):
    document = json.loads(_json("staff"))

    assert document["people"] == [] and document["format"] == "registry-export" and document["version"] == 1
    assert choices.PublicationState.PUBLISHED not in _json("public")


# The admin download ---------------------------------------------------------------------------


def _content(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_admin_index_links_to_the_export_for_staff_who_view_people(client, law):
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:registry_export") in html and "Export the registry" in html


def test_admin_export_streams_the_staff_json_and_logs_who_and_when(client, registry, caplog):
    user = UserFactory(groups=[VIEWER])
    client.force_login(user)

    page = client.get(reverse("admin:registry_export"))
    with caplog.at_level(logging.INFO, logger="registry.audit"):
        response = client.get(reverse("admin:registry_export") + "?format=json")

    assert "Download JSON" in page.content.decode()
    document = json.loads(_content(response))
    assert document["audience"] == "staff" and len(document["people"]) == 3
    assert "no-store" in response["Cache-Control"]
    assert 'filename="registry-staff-' in response["Content-Disposition"]
    [record] = [r for r in caplog.records if r.getMessage().startswith("registry export")]
    assert f"by={user.username}" in record.getMessage() and "format=json" in record.getMessage()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == user and entry.record_count == 3


def test_admin_export_by_staff_outside_the_sources_group_leaves_out_sources_and_contacts(client, registry):
    """An insider with an ordinary role exports the registry to learn who the informants are."""
    client.force_login(UserFactory(groups=[VIEWER]))
    body = _content(client.get(reverse("admin:registry_export") + "?format=json"))
    assert "Confidential informant" not in body and f"phone {MARK}" not in body
    assert f"family {MARK}" not in body
    assert f"notes {MARK}" in body  # internal notes are for every staff member
    with pytest.raises(ImportRefused, match="Sources group"):
        _read(io.StringIO(body))

    client.force_login(UserFactory(groups=[VIEWER, SOURCES]))
    full = _content(client.get(reverse("admin:registry_export") + "?format=json"))
    assert "Confidential informant" in full and f"phone {MARK}" in full


def test_admin_export_csv_has_one_row_per_person(client, registry):
    client.force_login(UserFactory(groups=[VIEWER]))

    response = client.get(reverse("admin:registry_export") + "?format=csv")

    assert len(list(csv.DictReader(io.StringIO(_content(response))))) == 3


def test_admin_export_is_refused_to_staff_without_view_person(client, registry, caplog):
    client.force_login(UserFactory())

    with caplog.at_level(logging.INFO, logger="registry.audit"):
        response = client.get(reverse("admin:registry_export") + "?format=json")

    assert response.status_code == 403 and MARK not in response.content.decode()
    assert not [r for r in caplog.records if r.name == "registry.audit"]


def test_staff_export_carries_every_field_of_people_and_cases_or_says_why_not():
    """A field added to a model later must not silently fall out of the lossless export."""
    from cases.transfer import exporting

    person_left_out = {f.name for f in Person._meta.concrete_fields} - set(exporting.PERSON_FIELDS)
    case_left_out = (
        {f.name for f in Case._meta.concrete_fields} - set(exporting.CASE_FIELDS) - set(exporting.RISK_FIELDS)
    )

    assert person_left_out == {
        "id",  # database ids never travel
        "region",  # carried as the region's natural key
        "merged_into",  # merged records are not exported (docs/export.md)
    }
    assert case_left_out == {
        "id",
        "person",  # the case is nested in its person
        "jurisdiction",  # carried as the jurisdiction's code
        "expected_release_date",  # computed from the sentence on import
        "expected_release_latest",  # likewise, with the detention date's precision
        "risk_digest",  # recomputed by the next assessment
        "risk_stale_since",  # a stale imported case waits from the import
    }


def test_staff_export_carries_every_field_of_a_source_or_says_why_not():
    """A source's reliability and its import list (issue 17) travel with it, like every other field."""
    from cases.models import Source
    from cases.transfer import exporting

    left_out = {f.name for f in Source._meta.concrete_fields} - set(exporting.SOURCE_FIELDS)

    assert left_out == {"id", "public_id", "created_at"}  # the id never travels; the other two do
    assert {"public_id", "created_at"} <= set(exporting._source_record(SourceFactory.build()))


def test_contacts_travel_in_the_staff_export_with_their_sources_and_details(registry):
    exported = _json("staff")
    user = UserFactory()
    _empty_registry()

    import_registry_json(io.StringIO(exported), by=user)

    contacts = PrisonerContact.objects.select_related("reported_by").order_by("date")
    assert [(c.channel, c.date, c.date_precision, c.latest_day) for c in contacts] == [
        ("letter", D(2023, 5, 1), "month", D(2023, 5, 31)),
        ("lawyer_visit", D(2023, 6, 2), "day", D(2023, 6, 2)),
    ]
    assert contacts[0].details == f"said {MARK}" and contacts[0].sources.get().confidential
    assert contacts[1].reported_by.name == "Synthetic Letters Project"
    ales = Person.objects.get(contact_log__isnull=False, contact_log__channel="letter")
    assert (ales.silence_public, ales.patronymic, ales.letters_welcome) == (True, "Иванович", True)
    hearing = Hearing.objects.get()
    assert (hearing.court, hearing.room, hearing.openness, hearing.time_known, hearing.is_public) == (
        "Minsk City Court",
        "4",
        "closed",
        False,
        True,
    )
    assert hearing.internal_note == f"the family will come {MARK}" and hearing.sources.count() == 1
    item = ParticularRisk.objects.get()
    assert (item.kind, item.date_precision, item.details, item.is_public) == (
        "denied_medical_care",
        "month",
        f"insulin {MARK}",
        True,
    )
    assert item.sources.get().confidential
    letters = LetterCount.objects.select_related("organisation").get()
    assert (letters.organisation.name, letters.period_start, letters.letters_sent) == (
        "Synthetic Letters Project",
        D(2023, 6, 1),
        11,
    )


def test_contacts_details_and_confidential_sources_stay_out_of_the_public_export(registry):
    public = _json("public")

    assert f"said {MARK}" not in public and "contacts_heard" not in public
