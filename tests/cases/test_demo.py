"""The synthetic demo data: invented, deterministic, and following the documented patterns."""

import datetime
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cases import choices
from cases.demo.builder import LATEST_DATE, MIN_PEOPLE, DemoDataError, all_surnames, build_demo
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    DesignationList,
    Facility,
    FacilityStay,
    Hearing,
    Jurisdiction,
    Person,
    Reclassification,
    Region,
    RiskAlert,
    RiskAssessment,
    Source,
    WatchListEntry,
)
from cases.risk import assessment
from cases.transfer.law_loader import load_law, read_jurisdiction
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Well-known real Belarusian political prisoners: no demo surname may be theirs, in any form.
REAL_SURNAMES = {
    "Бяляцкі", "Беляцкий", "Bialiatski", "Byalyatski",
    "Калеснікава", "Колесникова", "Kalesnikava", "Kolesnikova",
    "Статкевіч", "Статкевич", "Statkevich",
    "Лосік", "Лосик", "Losik",
    "Ціханоўскі", "Тихановский", "Tsikhanouski", "Tikhanovsky",
    "Бабарыка", "Бабарико", "Babaryka", "Babariko",
    "Знак", "Znak", "Пратасевіч", "Протасевич", "Pratasevich", "Protasevich",
}  # fmt: skip
REAL_FULL_NAMES = {
    "Ales Bialiatski", "Алесь Бяляцкі", "Maria Kalesnikava", "Марыя Калеснікава", "Mikalai Statkevich",
    "Ihar Losik", "Siarhei Tsikhanouski", "Viktar Babaryka",
}  # fmt: skip


class _Rollback(Exception):
    pass


CHARGE_FIELDS = ("article__jurisdiction__code", "article__number", "article__part", "stage", "state",
                 "offence_date", "charged_on", "ended_on", "reclassified_into__article__number",
                 "reclassified_into__article__part")  # fmt: skip
CASE_FIELDS = ("jurisdiction__code", "case_number", "detention_date", "status", "court", "verdict_date",
               "sentence_kind", "sentence_years", "sentence_months", "sentence_regime", "recognised_on",
               "recognition_criteria")  # fmt: skip
PERSON_FIELDS = ("sex", "birth_date", "birth_date_precision", "is_official_or_military", "region__code",
                 "occupation", "biography", "internal_notes", "publication_state")  # fmt: skip


def summary():
    """Everything the demo decides, in creation order, without slugs, UUIDs or timestamps."""
    people = []
    for person in Person.objects.order_by("id"):
        cases = []
        for case in person.cases.order_by("id"):
            cases.append(
                (
                    Case.objects.filter(pk=case.pk).values_list(*CASE_FIELDS).get(),
                    list(case.charges.order_by("id").values_list(*CHARGE_FIELDS)),
                    list(case.stays.order_by("id").values_list("facility__slug", "start_date", "end_date")),
                    list(case.events.order_by("id").values_list("kind", "date", "text", "is_public")),
                )
            )
        names = sorted(person.names.values_list("kind", "text", "is_primary"))
        people.append((names, Person.objects.filter(pk=person.pk).values_list(*PERSON_FIELDS).get(), cases))
    facilities = list(
        Facility.objects.order_by("slug").values_list("slug", "kind", "regime", "postal_address")
    )
    sources = list(Source.objects.order_by("id").values_list("title", "url", "confidential", "contact"))
    return people, facilities, sources


def build_and_summarise(**kwargs):
    """Build in a transaction that is rolled back, so the next build starts from an empty registry."""
    try:
        with transaction.atomic():
            build_demo(**kwargs)
            result = summary()
            raise _Rollback
    except _Rollback:
        pass
    assert not Person.objects.exists()
    return result


def charge_path(charge):
    """The notations from the charge back through the charges it replaced, oldest first."""
    path = [charge.article.notation]
    while hasattr(charge, "reclassified_by"):
        charge = charge.reclassified_by.from_charge
        path.insert(0, charge.article.notation)
    return path


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One build of 30 people shared by the read-only tests of a class, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Jurisdiction.objects.exists():
            load_law()
        yield build_demo(people=30)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def seed_7(django_db_setup, django_db_blocker):
    """What a build of 30 people from seed 7 decides, built once for the module's seed tests."""
    with django_db_blocker.unblock():
        if not Jurisdiction.objects.exists():
            load_law()
        return build_and_summarise(seed=7, people=30)


def test_build_demo_same_seed_gives_same_data(law, seed_7):
    again = build_and_summarise(seed=7, people=30)

    assert again == seed_7
    assert len(again[0]) == 30


def test_build_demo_other_seed_gives_other_data(law, seed_7):
    other_people, _, _ = build_and_summarise(seed=8, people=30)

    assert [p[0] for p in seed_7[0]] != [p[0] for p in other_people]


class TestBuiltDemo:
    """Read-only checks of one build of 30 people."""

    def test_build_demo_follows_the_hrodna_pattern_218_289_1_289_3(self, demo):
        last_steps = Reclassification.objects.filter(
            from_charge__article__number="289", from_charge__article__part="1",
            to_charge__article__number="289", to_charge__article__part="3",
        ).select_related("to_charge__case__person__region")  # fmt: skip
        hrodna = [
            r
            for r in last_steps
            if charge_path(r.to_charge) == ["art. 218 part 2", "art. 289 part 1", "art. 289 part 3"]
        ]

        assert len(hrodna) == 3
        assert {r.to_charge.case.person.region.code for r in hrodna} == {"grodno"}
        assert {r.date.year for r in hrodna} == {2022}
        assert len({r.to_charge.case.case_number for r in hrodna}) == 1  # co-defendants in one case
        assert all("organised group" in r.note for r in hrodna)

    def test_build_demo_follows_the_railway_arson_pattern(self, demo):
        wanted = {"art. 289 part 3", "art. 309 part 2", "art. 356 part 1", "art. 361-1 part 3"}
        railway = [
            case for case in Case.objects.prefetch_related("charges__article")
            if {c.article.notation for c in case.charges.all()} == wanted
        ]  # fmt: skip

        assert sorted(case.sentence_years for case in railway) == [21, 22, 23]
        for case in railway:
            assert {c.offence_date.replace(day=1) for c in case.charges.all()} == {datetime.date(2022, 2, 1)}
            assert {c.state for c in case.charges.all()} == {choices.ChargeState.CONVICTED}
            assert case.events.filter(kind=choices.EventKind.OTHER, text__contains="death penalty").exists()

    def test_build_demo_follows_the_escalation_without_terrorism_pattern(self, demo):
        wanted = {"art. 361 part 3", "art. 357 part 1", "art. 361-1 part 1"}
        escalated = [
            case for case in Case.objects.prefetch_related("charges__article")
            if {c.article.notation for c in case.charges.all()} == wanted
        ]  # fmt: skip

        assert len(escalated) == 2
        for case in escalated:
            first = case.charges.get(article__number="361", article__part="3")
            added = case.charges.exclude(pk=first.pk)
            assert first.charged_on.year == 2020
            assert {c.charged_on.year for c in added} == {2021}
            assert not Reclassification.objects.filter(to_charge__case=case).exists()

    def test_build_demo_recent_reclassifications_raise_the_risk(self, demo):
        recent = Reclassification.objects.filter(date__year=2026).select_related("to_charge__article")

        assert len(recent) >= 2
        assert all(r.to_charge.article.category in ("terrorism", "treason") for r in recent)
        for reclassification in recent:
            stored = assessment.assess_case(case_id=reclassification.to_charge.case_id, on=LATEST_DATE)
            assert stored is not None
            assert stored.level in ("elevated", "critical")
            assert "recent_reclassification" in {reason["rule"] for reason in stored.reasons}

    def test_build_demo_has_one_death_sentence_and_every_status(self, demo):
        assert Case.objects.filter(sentence_kind=choices.SentenceKind.DEATH).count() == 1
        assert set(Case.objects.values_list("status", flat=True)) == set(choices.CaseStatus.values)
        assert Case.objects.filter(jurisdiction__code="RU").exists()
        convicted = Case.objects.filter(
            status=choices.CaseStatus.CONVICTED, sentence_kind="deprivation_of_liberty"
        )
        assert convicted.exists()
        assert all(case.sentence_years and case.sentence_regime for case in convicted)

    def test_build_demo_charges_use_the_loaded_law_data(self, demo):
        shipped = {
            code: {(a["number"], a["part"]) for a in read_jurisdiction(code)["articles"]}
            for code in Jurisdiction.objects.values_list("code", flat=True)
        }
        charges = Charge.objects.select_related("article__jurisdiction", "case")

        assert charges.exists()
        for charge in charges:
            assert charge.article.jurisdiction_id == charge.case.jurisdiction_id
            assert (charge.article.number, charge.article.part) in shipped[charge.article.jurisdiction.code]

    def test_build_demo_dates_are_fixed_and_ordered(self, demo):
        charges = Charge.objects.all()

        assert all(c.offence_date <= c.charged_on <= LATEST_DATE for c in charges)
        assert all(c.ended_on is None or c.charged_on <= c.ended_on <= LATEST_DATE for c in charges)
        assert max(CaseEvent.objects.values_list("date", flat=True)) <= LATEST_DATE
        assert max(FacilityStay.objects.values_list("start_date", flat=True)) <= LATEST_DATE
        detentions = [d for d in Case.objects.values_list("detention_date", flat=True) if d]
        assert {d.year for d in detentions} <= {2020, 2021, 2022, 2023, 2024, 2025}
        assert Charge.objects.exclude(stage=choices.ChargeStage.COMPLETED).exists()

    def test_build_demo_held_people_have_one_open_stay_and_released_none(self, demo):
        held = Case.objects.filter(
            jurisdiction__code="BY", status__in=[choices.CaseStatus.DETAINED, choices.CaseStatus.CONVICTED]
        )
        released = Case.objects.filter(status__in=[choices.CaseStatus.RELEASED, choices.CaseStatus.PARDONED])

        assert all(case.stays.filter(end_date__isnull=True).count() == 1 for case in held)
        assert released.exists()
        assert not FacilityStay.objects.filter(case__in=released, end_date__isnull=True).exists()

    def test_build_demo_names_are_not_real_political_prisoners(self, demo):
        invented = set(all_surnames())
        recorded = set(Person.objects.values_list("names__text", flat=True))
        recorded_words = {word for text in recorded for word in text.split()}

        assert not invented & REAL_SURNAMES
        assert not recorded_words & REAL_SURNAMES
        assert not recorded & REAL_FULL_NAMES

    def test_build_demo_uses_feminine_surnames_for_women(self, demo):
        women = Person.objects.filter(sex=choices.Sex.FEMALE).prefetch_related("names")

        assert women.exists()
        for woman in women:
            surname = woman.names.get(kind=choices.NameKind.OFFICIAL_BE).text.split()[0]
            assert not surname.endswith(("скі", "цкі", "аў", "ін"))

    def test_build_demo_publishes_about_85_percent(self, demo):
        states = list(Person.objects.values_list("publication_state", flat=True))

        assert demo.published == states.count(choices.PublicationState.PUBLISHED) == round(0.85 * 30)
        assert choices.PublicationState.DRAFT in states
        assert choices.PublicationState.WITHDRAWN in states

    def test_build_demo_schedules_invented_hearings_after_its_last_fact(self, demo):
        hearings = list(Hearing.objects.select_related("case"))

        assert len(hearings) >= 4
        assert all(h.day > LATEST_DATE for h in hearings)
        assert {h.is_public for h in hearings} == {True, False}
        assert {h.openness for h in hearings} >= {"open", "closed"}
        assert any(not h.time_known for h in hearings)
        assert any(h.state == choices.HearingState.POSTPONED for h in hearings)
        assert all("(invented)" in h.internal_note for h in hearings if not h.is_public)

    def test_build_demo_sources_are_synthetic(self, demo):
        public = Source.objects.filter(confidential=False)
        confidential = Source.objects.filter(confidential=True)

        assert public.exists() and confidential.exists()
        assert all(s.url.startswith("https://example.org/") for s in public)
        assert all("example.org" in s.contact for s in confidential)
        assert Facility.objects.count() == demo.facilities == 8


def test_build_demo_refuses_too_few_people(law):
    with pytest.raises(DemoDataError):
        build_demo(people=MIN_PEOPLE - 1)


def test_load_demo_if_empty_does_nothing_on_a_non_empty_registry(law):
    PersonFactory()
    out = io.StringIO()

    call_command("load_demo", if_empty=True, people=30, stdout=out)

    assert Person.objects.count() == 1
    assert not Case.objects.exists()
    assert out.getvalue() == ""


def test_load_demo_refuses_a_non_empty_registry(law):
    PersonFactory()

    with pytest.raises(CommandError, match="already holds 1 people"):
        call_command("load_demo", people=30, stdout=io.StringIO())

    assert Person.objects.count() == 1


def test_load_demo_loads_the_law_data_when_missing(law):
    WatchListEntry.objects.all().delete()
    DesignationList.objects.all().delete()
    Article.objects.all().delete()
    Region.objects.all().delete()
    Jurisdiction.objects.all().delete()
    out = io.StringIO()

    call_command("load_demo", people=MIN_PEOPLE, stdout=out)

    assert Jurisdiction.objects.filter(code="BY").exists()
    assert "Loaded the law data" in out.getvalue()
    assert Person.objects.count() == MIN_PEOPLE


# What `make run` shows and leaves behind ---------------------------------------------------------

PROGRESS = re.compile(r"built (\d+) of (\d+) people \((\d+\.\d) s\)")


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """What `load_demo` printed for 30 people, loaded once as `make run` does (the callbacks of its
    commit run: the in-process risk assessments that raise the alerts) for the read-only tests of
    a class, and rolled back after them."""
    from django.test import TestCase

    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        if not Jurisdiction.objects.exists():
            load_law()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", people=30, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


class TestDemoLoadedAsMakeRunDoes:
    """Read-only checks of one `load_demo` of 30 people."""

    def test_load_demo_creates_people_with_names_in_three_forms(self, loaded):
        assert Person.objects.count() == 30
        for person in Person.objects.prefetch_related("names"):
            kinds = {name.kind: name for name in person.names.all()}
            assert kinds[choices.NameKind.OFFICIAL_BE].is_primary
            assert kinds[choices.NameKind.OFFICIAL_BE].script == choices.Script.BE_CYRILLIC
            assert kinds[choices.NameKind.OFFICIAL_RU].script == choices.Script.RU_CYRILLIC
            assert re.fullmatch(r"[A-Za-z ]+", kinds[choices.NameKind.PASSPORT_LATIN].text)
            assert person.cases.exists()
        assert "people: 30" in loaded
        assert f"cases: {Case.objects.count()}" in loaded
        assert "facilities: 8" in loaded

    def test_load_demo_prints_progress_with_counts_and_elapsed_time(self, loaded):
        steps = [(int(done), int(total), float(seconds)) for done, total, seconds in PROGRESS.findall(loaded)]
        assert len(steps) >= 5, loaded
        assert [done for done, _, _ in steps] == sorted(done for done, _, _ in steps)
        assert steps[-1][:2] == (30, 30)
        assert all(total == 30 for _, total, _ in steps)
        assert [seconds for _, _, seconds in steps] == sorted(seconds for _, _, seconds in steps)
        assert re.search(r"assessed the risk of 30 cases in \d+\.\d s", loaded), loaded
        assert re.search(r"Demo data loaded in \d+\.\d s\.", loaded)

    def test_load_demo_leaves_a_handful_of_alerts_open(self, loaded):
        assert RiskAlert.objects.count() > 8  # the first assessments raised more than a handful
        assert 3 <= RiskAlert.objects.filter(state=RiskAlert.State.OPEN).count() <= 8
        assert RiskAlert.objects.exclude(state=RiskAlert.State.RESOLVED).count() <= 10

    def test_load_demo_leaves_open_the_alerts_of_this_autumns_reclassifications(self, loaded):
        open_alerts = RiskAlert.objects.filter(state=RiskAlert.State.OPEN)
        open_cases = set(
            open_alerts.filter(kind=choices.AlertKind.LEVEL_CHANGED).values_list("case_id", flat=True)
        )
        # Death-row news stays open for a person to read (the demo's one death sentence).
        death_row_cases = set(
            open_alerts.filter(kind=choices.AlertKind.DEATH_ROW).values_list("case_id", flat=True)
        )
        assert death_row_cases == set(Case.objects.filter(sentence_kind="death").values_list("id", flat=True))
        recent = set(
            Reclassification.objects.filter(date__gte=datetime.date(2026, 8, 1)).values_list(
                "to_charge__case_id", flat=True
            )
        )
        assert len(recent) == 3
        assert open_cases == recent

    def test_load_demo_triages_the_other_alerts_through_the_services_with_who_and_a_note(self, loaded):
        resolved = RiskAlert.objects.filter(state=RiskAlert.State.RESOLVED).select_related("resolved_by")
        acknowledged = RiskAlert.objects.exclude(state=RiskAlert.State.OPEN)
        assert resolved.exists()
        assert all(alert.acknowledged_by and alert.acknowledged_at for alert in acknowledged)
        for alert in resolved:
            assert alert.resolved_by.is_staff and not alert.resolved_by.has_usable_password()
            assert "synthetic" in alert.resolution_note
        # Written through the services: each change of state is in the alert's history, by its author.
        first = resolved.first()
        assert first.history.filter(state=RiskAlert.State.RESOLVED, history_user=first.resolved_by).exists()

    def test_load_demo_still_raises_exactly_one_alert_per_change_of_level(self, loaded):
        changes = [
            a.pk
            for a in RiskAssessment.objects.all()
            if a.level != (a.previous_level or choices.RiskLevel.NONE)
        ]
        assert changes
        level_alerts = RiskAlert.objects.filter(kind=choices.AlertKind.LEVEL_CHANGED)
        assert sorted(level_alerts.values_list("assessment_id", flat=True)) == sorted(changes)
        # Besides, one urgent alert per entry of death-row news (the demo's death sentence has three).
        death_row = RiskAlert.objects.filter(kind=choices.AlertKind.DEATH_ROW)
        assert (
            death_row.count()
            == CaseEvent.objects.filter(
                kind__in=choices.DEATH_ROW_KINDS, case__sentence_kind="death", alert__isnull=False
            ).count()
            == 3
        )
        assert set(death_row.values_list("state", flat=True)) == {"open"}  # news waits for a person
        assert not Case.objects.filter(risk_stale=True).exists()


def test_tasks_run_in_process_without_a_broker_warning(caplog):
    from celery import Celery

    # A new app from the project's settings: its connection pool is empty, as in a fresh process.
    app = Celery("registry-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")

    @app.task(name="registry-test.echo", shared=False)
    def echo(value):
        return value

    assert app.conf.task_always_eager

    with caplog.at_level(logging.WARNING):
        result = echo.delay(value=7)

    assert result.get() == 7
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("kombu", "celery"))] == []


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.one_database  # its own SQLite database, whichever the pass uses
def test_make_run_commands_print_no_warning_and_say_how_long_the_demo_took(tmp_path):
    """The commands of `make run` before the server starts, on a fresh SQLite database."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "run", f"PYTHON={sys.executable}"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    commands = [
        line for line in dry_run.stdout.splitlines() if "manage.py" in line and "runserver" not in line
    ]
    assert any("load_demo" in line for line in commands)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        "DOWNLOADS_ROOT": str(tmp_path / "downloads"),
    }

    output = ""
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S602
        output += done.stdout + done.stderr
        assert done.returncode == 0, output

    assert "WARNING" not in output and "No hostname" not in output, output
    assert PROGRESS.search(output), output
    assert re.search(r"Demo data loaded in \d+\.\d s\.", output)
    # The whole-registry downloads are ready when the server starts (no worker builds them here):
    # built during the demo load (its withdrawals ask for them) or by `build_downloads --if-due`.
    assert "built json" in output and "built csv" in output, output
    built = sorted(file.suffixes[-2:] for file in (tmp_path / "downloads").iterdir())
    assert built == [[".csv", ".gz"], [".json", ".gz"]]
    # The demo of the default size, read back from the database `make run` left, with its settings.
    read = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", DEFAULT_DEMO_FACTS],
        cwd=ROOT, env=env | {"REGISTRY_ENV": "development"}, capture_output=True, text=True,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    facts = json.loads(read.stdout)
    assert "people: 200" in output
    assert facts["people"] == 200
    assert facts["death_sentences"] == 1
    assert 160 <= facts["published"] <= 180
    assert 3 <= facts["open_alerts"] <= 8
    # Issue 18: a release wave groups some of the people expelled, and the terrorism list's two
    # snapshots put the railway arson three on it (and one 2020 case from the second).
    assert facts["waves"] == 1
    assert 1 <= facts["released_in_the_wave"] <= 6
    assert facts["release_days"] == [facts["wave_day"]]
    assert facts["on_the_terrorism_list"] >= 3


# Run in the database `make run` left, by `manage.py shell`: the facts of the default-size demo.
DEFAULT_DEMO_FACTS = """
import json
from cases.models import Case, Designation, Person, ReleaseWave, RiskAlert
wave = ReleaseWave.objects.get() if ReleaseWave.objects.count() == 1 else None
print(json.dumps({
    "people": Person.objects.count(),
    "death_sentences": Case.objects.filter(sentence_kind="death").count(),
    "published": Person.objects.published().count(),
    "open_alerts": RiskAlert.objects.filter(state=RiskAlert.State.OPEN).count(),
    "waves": ReleaseWave.objects.count(),
    "released_in_the_wave": wave.releases.count() if wave else 0,
    "release_days": sorted({str(r.event.date) for r in wave.releases.all()}) if wave else [],
    "wave_day": str(wave.date) if wave else None,
    "on_the_terrorism_list": Designation.objects.filter(
        designation_list__code="by-terrorist-activity"
    ).count(),
}))
"""
