"""Contradictions: facts of a record that cannot all be true are flagged for staff, never kept
silently and never shown to the public; a partial date contradicts only what it contradicts on
every possible day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Contradiction
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from cases.services.contradictions import (
    AUTO_RESOLVED_PREFIX,
    CaseFacts,
    ChargeDates,
    PartialDate,
    find_contradictions,
    row_contradictions,
)
from tests.api.conftest import make_published_case
from tests.factories import CaseFactory, PersonFactory, UserFactory, article

D = datetime.date
Kind = Contradiction.Kind
DAY, MONTH, YEAR = "day", "month", "year"


def day(y, m, d):
    return PartialDate(D(y, m, d), DAY)


def month(y, m):
    return PartialDate(D(y, m, 1), MONTH)


def year(y):
    return PartialDate(D(y, 1, 1), YEAR)


DETAINED = day(2021, 5, 3)


def kinds(facts):
    return [found.kind for found in find_contradictions(facts)]


# The pure check --------------------------------------------------------------------------------

FOUND = [
    (
        "died_while_held",
        CaseFacts(status="convicted", detention=DETAINED, deaths=(day(2023, 1, 5),)),
        [Kind.DIED_BUT_HELD],
    ),
    (
        "released_while_held",
        CaseFacts(status="detained", detention=DETAINED, releases=(day(2022, 1, 10),)),
        [Kind.RELEASED_BUT_HELD],
    ),
    (
        "released_before_detention",
        CaseFacts(status="released", detention=DETAINED, releases=(year(2020),)),
        [Kind.RELEASE_BEFORE_DETENTION],
    ),
    (
        "verdict_before_detention",
        CaseFacts(status="convicted", detention=DETAINED, verdict=month(2021, 4)),
        [Kind.VERDICT_BEFORE_DETENTION],
    ),
    (
        "verdict_before_charge",
        CaseFacts(
            status="convicted",
            detention=DETAINED,
            verdict=day(2021, 9, 1),
            charges=(ChargeDates("art. 342 part 1", charged_on=day(2021, 10, 2)),),
        ),
        [Kind.VERDICT_BEFORE_CHARGE],
    ),
    (
        "offence_after_detention",
        CaseFacts(
            status="detained",
            detention=DETAINED,
            charges=(ChargeDates("art. 342 part 1", offence_date=month(2021, 6)),),
        ),
        [Kind.OFFENCE_AFTER_DETENTION],
    ),
    (
        "detention_before_birth",
        CaseFacts(status="detained", detention=DETAINED, birth=year(2022)),
        [Kind.DETENTION_BEFORE_BIRTH],
    ),
]


@pytest.mark.parametrize("facts, expected", [(f, e) for _, f, e in FOUND], ids=[n for n, _, _ in FOUND])
def test_find_contradictions_finds_each_kind_when_it_holds_on_every_possible_day(facts, expected):
    assert kinds(facts) == expected


MAY_BE_TRUE = [
    (
        "release_in_the_year_of_detention",
        CaseFacts(status="released", detention=DETAINED, releases=(year(2021),)),
    ),
    (
        "release_in_the_month_of_detention",
        CaseFacts(status="released", detention=DETAINED, releases=(month(2021, 5),)),
    ),
    (
        "verdict_in_the_year_of_detention",
        CaseFacts(status="convicted", detention=DETAINED, verdict=year(2021)),
    ),
    (
        "charge_in_the_month_of_the_verdict",
        CaseFacts(
            status="convicted",
            detention=DETAINED,
            verdict=day(2021, 9, 1),
            charges=(ChargeDates("art. 342 part 1", charged_on=month(2021, 9)),),
        ),
    ),
    (
        "act_in_the_year_of_detention",
        CaseFacts(
            status="detained",
            detention=DETAINED,
            charges=(ChargeDates("art. 342 part 1", offence_date=year(2021)),),
        ),
    ),
    ("born_in_the_year_of_detention", CaseFacts(status="detained", detention=DETAINED, birth=year(2021))),
    (
        "released_and_detained_again",
        CaseFacts(
            status="detained",
            detention=DETAINED,
            releases=(day(2022, 1, 10),),
            detentions=(DETAINED, year(2022)),
        ),
    ),
    (
        "released_pending_trial_then_sentenced",
        CaseFacts(
            status="convicted", detention=DETAINED, releases=(day(2021, 7, 1),), verdict=day(2022, 2, 1)
        ),
    ),
    (
        "release_of_unknown_date",
        CaseFacts(status="released", detention=DETAINED, releases=(PartialDate(None, "unknown"),)),
    ),
    ("released_and_released", CaseFacts(status="released", detention=DETAINED, releases=(day(2022, 1, 10),))),
    (
        "reclassified_on_appeal_after_the_verdict",
        CaseFacts(
            status="convicted",
            detention=DETAINED,
            verdict=day(2021, 9, 1),
            charges=(ChargeDates("art. 342 part 1", charged_on=day(2021, 12, 1), by_reclassification=True),),
        ),
    ),
    ("nothing_known", CaseFacts()),
]


@pytest.mark.parametrize("facts", [f for _, f in MAY_BE_TRUE], ids=[n for n, _ in MAY_BE_TRUE])
def test_find_contradictions_flags_nothing_when_the_facts_may_all_be_true(facts):
    assert kinds(facts) == []


def test_find_contradictions_text_names_the_dates_as_far_as_they_are_known():
    facts = CaseFacts(status="released", detention=DETAINED, releases=(year(2020),))

    (found,) = find_contradictions(facts)

    assert found.text == "Released in 2020, before the detention on 3 May 2021."


def test_find_contradictions_gives_one_text_per_kind_naming_every_instance():
    facts = CaseFacts(
        status="detained",
        detention=DETAINED,
        charges=(
            ChargeDates("art. 342 part 1", offence_date=month(2021, 6)),
            ChargeDates("art. 130 part 3", offence_date=year(2022)),
        ),
    )

    (found,) = find_contradictions(facts)

    assert "art. 342 part 1 is dated June 2021" in found.text
    assert "art. 130 part 3 is dated 2022" in found.text


def test_row_contradictions_warns_about_a_row_that_cannot_be_true():
    warnings = row_contradictions(
        {
            "status": choices.CaseStatus.CONVICTED,
            "detention_date": D(2021, 5, 3),
            "detention_date_precision": DAY,
            "died_on": D(2023, 1, 5),
            "release_date": D(2020, 1, 1),
            "release_date_precision": YEAR,
        }
    )

    assert warnings == [
        "Died on 5 January 2023, but the status is 'convicted, serving sentence'.",
        "Released in 2020, before the detention on 3 May 2021.",
    ]


def test_row_contradictions_is_silent_about_a_partial_date_that_may_be_true():
    assert (
        row_contradictions(
            {"detention_date": D(2021, 5, 3), "release_date": D(2021, 1, 1), "release_date_precision": YEAR}
        )
        == []
    )


def test_row_contradictions_reads_a_date_without_precision_as_known_to_the_day():
    assert row_contradictions({"detention_date": D(2021, 5, 3), "verdict_date": D(2021, 1, 1)}) == [
        "Verdict on 1 January 2021, before the detention on 3 May 2021."
    ]


# The service ------------------------------------------------------------------------------------


@pytest.fixture
def held_case(law):
    return CaseFactory(status=choices.CaseStatus.DETAINED, detention_date=D(2022, 3, 1))


def open_flags(case):
    return list(Contradiction.objects.filter(case=case, resolved_at__isnull=True))


@pytest.mark.django_db
def test_record_event_of_a_death_while_held_opens_one_flag(held_case):
    services.record_event(case=held_case, kind=choices.EventKind.DIED, date=D(2023, 1, 5))

    (flag,) = open_flags(held_case)
    assert (flag.kind, flag.person_id) == (Kind.DIED_BUT_HELD, held_case.person_id)
    assert flag.text == "Died on 5 January 2023, but the status is 'detained (pre-trial)'."


@pytest.mark.django_db
def test_check_case_contradictions_does_not_duplicate_an_open_flag_on_a_recheck(held_case):
    services.record_event(case=held_case, kind=choices.EventKind.DIED, date=D(2023, 1, 5))

    services.check_case_contradictions(case=held_case)
    services.update_case(case=held_case, court="Synthetic District Court")

    assert Contradiction.objects.filter(case=held_case).count() == 1


@pytest.mark.django_db
def test_update_case_resolves_a_flag_automatically_when_the_status_is_fixed(held_case):
    services.record_event(case=held_case, kind=choices.EventKind.DIED, date=D(2023, 1, 5))

    services.update_case(case=held_case, status=choices.CaseStatus.DIED_IN_CUSTODY)

    flag = Contradiction.objects.get(case=held_case)
    assert flag.resolved_at is not None and flag.resolved_by is None
    assert flag.resolution_note == "No longer contradicted: the status is now 'died in custody'."


@pytest.mark.django_db
def test_check_case_contradictions_updates_the_text_when_the_dates_change(held_case):
    charge = services.add_charge(case=held_case, article=article("342.1"), offence_date=D(2022, 5, 1))
    services.update_charge_facts(charge=charge, offence_date=D(2022, 6, 1), offence_date_precision=MONTH)

    (flag,) = open_flags(held_case)
    assert flag.kind == Kind.OFFENCE_AFTER_DETENTION
    assert "dated June 2022" in flag.text


@pytest.mark.django_db
def test_update_charge_facts_resolves_the_flag_when_the_act_is_dated_before_the_detention(held_case):
    charge = services.add_charge(case=held_case, article=article("342.1"), offence_date=D(2022, 5, 1))

    services.update_charge_facts(charge=charge, offence_date=D(2022, 2, 20))

    flag = Contradiction.objects.get(case=held_case)
    assert flag.resolution_note.startswith(AUTO_RESOLVED_PREFIX)
    assert "art. 342 part 1 on 20 February 2022" in flag.resolution_note


@pytest.mark.django_db
def test_create_case_flags_a_verdict_before_a_detention_known_to_the_month(law):
    case = services.create_case(
        person=CaseFactory().person,
        jurisdiction=law,
        status=choices.CaseStatus.CONVICTED,
        detention_date=D(2022, 3, 1),
        detention_date_precision=MONTH,
        verdict_date=D(2022, 2, 27),
    )

    assert [flag.kind for flag in open_flags(case)] == [Kind.VERDICT_BEFORE_DETENTION]


@pytest.mark.django_db
def test_update_person_flags_a_detention_before_the_new_birth_date_in_every_case(law):
    first = CaseFactory(detention_date=D(2022, 3, 1))
    second = CaseFactory(person=first.person, detention_date=D(2021, 1, 1))

    services.update_person(person=first.person, birth_date=D(2022, 1, 1), birth_date_precision=YEAR)

    assert [flag.kind for flag in open_flags(first)] == []  # born in 2022: maybe before 1 March
    assert [flag.kind for flag in open_flags(second)] == [Kind.DETENTION_BEFORE_BIRTH]


@pytest.mark.django_db
def test_check_case_contradictions_leaves_a_flag_of_another_kind_open(held_case):
    Contradiction.objects.create(
        person=held_case.person, case=held_case, kind=Kind.SOURCES_DISAGREE, text="A list says 2021."
    )

    services.check_case_contradictions(case=held_case)

    assert [flag.kind for flag in open_flags(held_case)] == [Kind.SOURCES_DISAGREE]


@pytest.mark.django_db
def test_check_cases_contradictions_reads_many_cases_in_as_many_queries_as_one(law):
    one = [CaseFactory(status=choices.CaseStatus.DETAINED)]
    many = [CaseFactory(status=choices.CaseStatus.DETAINED) for _ in range(5)]

    with CaptureQueriesContext(connection) as first:
        services.check_cases_contradictions(case_ids=[c.pk for c in one])
    with CaptureQueriesContext(connection) as second:
        services.check_cases_contradictions(case_ids=[c.pk for c in many])

    assert len(second.captured_queries) == len(first.captured_queries) <= 6


@pytest.mark.django_db
def test_check_cases_contradictions_marks_flags_with_the_import_run(held_case):
    from cases.models import ImportRun

    run = ImportRun.objects.create(
        file_name="list.xlsx", file_sha256="0" * 64, mapping="test", state="imported"
    )
    services.record_event(case=held_case, kind=choices.EventKind.RELEASED, date=D(2021, 1, 1))
    Contradiction.objects.all().delete()

    (flag,) = services.check_cases_contradictions(case_ids=[held_case.pk], import_run=run)

    assert (flag.kind, flag.import_run) == (Kind.RELEASE_BEFORE_DETENTION, run)


# Staff resolution ------------------------------------------------------------------------------


@pytest.fixture
def flag(held_case):
    services.record_event(case=held_case, kind=choices.EventKind.DIED, date=D(2023, 1, 5))
    return Contradiction.objects.get(case=held_case)


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "   "])
def test_resolve_contradiction_without_a_note_is_refused(flag, note):
    with pytest.raises(RefusedChange):
        services.resolve_contradiction(contradiction=flag, note=note, by=UserFactory())

    flag.refresh_from_db()
    assert flag.resolved_at is None


@pytest.mark.django_db
def test_resolve_contradiction_records_who_when_and_the_note(flag):
    editor = UserFactory(groups=[EDITOR])

    services.resolve_contradiction(contradiction=flag, note="Checked with the family: correct.", by=editor)

    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution_note) == (editor, "Checked with the family: correct.")
    assert flag.resolved_at is not None
    assert flag.history.first().history_user == editor


@pytest.mark.django_db
def test_resolve_contradiction_refuses_a_flag_already_resolved(flag):
    services.resolve_contradiction(contradiction=flag, note="Checked.", by=UserFactory())

    with pytest.raises(RefusedChange):
        services.resolve_contradiction(contradiction=flag, note="Again.", by=UserFactory())


@pytest.mark.django_db
def test_check_case_contradictions_does_not_reopen_what_staff_resolved_until_the_dates_change(
    flag, held_case
):
    services.resolve_contradiction(contradiction=flag, note="Checked.", by=UserFactory())

    services.check_case_contradictions(case=held_case)
    assert open_flags(held_case) == []

    services.record_event(case=held_case, kind=choices.EventKind.DIED, date=D(2023, 2, 1))
    (reopened,) = open_flags(held_case)
    assert "1 February 2023" in reopened.text


# The staff area --------------------------------------------------------------------------------


@pytest.fixture
def client_for(client):
    def login(group):
        client.force_login(UserFactory(groups=[group]))
        return client

    return login


@pytest.mark.django_db
@pytest.mark.parametrize("group", [VIEWER, EDITOR, PUBLISHER])
def test_contradiction_list_shows_the_flag_to_every_staff_group(client_for, flag, group):
    response = client_for(group).get(reverse("admin:cases_contradiction_changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert flag.text.replace("'", "&#x27;") in body
    assert "Тэставы Явар" in body


@pytest.mark.django_db
def test_contradiction_list_finds_a_flag_by_the_person_name_in_another_script(client_for, flag):
    other = CaseFactory(person=PersonFactory(names=[("Сяргей Іншы", "be_cyrl", "official_be", True)]))
    services.record_event(case=other, kind=choices.EventKind.DIED, date=D(2024, 7, 9))

    response = client_for(VIEWER).get(reverse("admin:cases_contradiction_changelist"), {"q": "Yavar"})

    body = response.content.decode()
    assert "Died on 5 January 2023" in body
    assert "Died on 9 July 2024" not in body


@pytest.mark.django_db
def test_editor_resolves_a_contradiction_from_its_page_with_a_note(client_for, flag):
    client = client_for(EDITOR)

    response = client.post(
        reverse("admin:cases_contradiction_change", args=[flag.pk]),
        {"resolution_note": "The death is confirmed; status corrected next.", "_save": "Save"},
    )

    flag.refresh_from_db()
    assert response.status_code == 302
    assert flag.resolution_note == "The death is confirmed; status corrected next."
    assert flag.resolved_by is not None


@pytest.mark.django_db
def test_resolving_from_the_page_without_a_note_is_refused(client_for, flag):
    response = client_for(EDITOR).post(
        reverse("admin:cases_contradiction_change", args=[flag.pk]), {"resolution_note": "", "_save": "Save"}
    )

    flag.refresh_from_db()
    assert "Say in a note how the contradiction was settled." in response.content.decode()
    assert flag.resolved_at is None


@pytest.mark.django_db
def test_viewer_cannot_resolve_a_contradiction(client_for, flag):
    response = client_for(VIEWER).post(
        reverse("admin:cases_contradiction_change", args=[flag.pk]),
        {"resolution_note": "A viewer's note.", "_save": "Save"},
    )

    flag.refresh_from_db()
    assert response.status_code == 403
    assert flag.resolved_at is None


@pytest.mark.django_db
def test_nobody_adds_or_deletes_a_contradiction_by_hand(client_for, flag):
    client = client_for(PUBLISHER)

    added = client.get(reverse("admin:cases_contradiction_add"))
    deleted = client.post(reverse("admin:cases_contradiction_delete", args=[flag.pk]), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert Contradiction.objects.filter(pk=flag.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["case", "person"])
def test_open_contradictions_show_on_the_case_and_person_pages(client_for, flag, held_case, page):
    obj = held_case if page == "case" else held_case.person

    body = client_for(VIEWER).get(reverse(f"admin:cases_{page}_change", args=[obj.pk])).content.decode()

    assert "Open contradictions" in body
    assert flag.text.replace("'", "&#x27;") in body


# Never public ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contradiction_never_appears_on_the_public_person_page_or_the_anonymous_api(client, law):
    case = make_published_case()
    services.record_event(case=case, kind=choices.EventKind.DIED, date=D(2023, 1, 5), is_public=True)
    flag = Contradiction.objects.get(case=case, resolved_at__isnull=True)
    urls = [
        reverse("public:person-detail", args=[case.person.slug]),
        reverse("api:person-detail", args=[case.person.slug]),
        reverse("api:case-detail", args=[case.public_id]),
        reverse("api:event-list"),
    ]

    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert flag.text not in body and flag.text.replace("'", "&#x27;") not in body, url
        assert "contradict" not in body.lower(), url


@pytest.mark.django_db
@pytest.mark.parametrize("group, offered", [(VIEWER, False), (EDITOR, True), (PUBLISHER, True)])
def test_contradiction_page_offers_the_resolution_note_to_editors_and_publishers_only(
    client_for, flag, group, offered
):
    body = client_for(group).get(reverse("admin:cases_contradiction_change", args=[flag.pk])).content.decode()

    assert ('name="resolution_note"' in body) is offered
    assert "Died on 5 January 2023" in body


@pytest.mark.django_db
def test_contradiction_list_takes_as_many_queries_for_many_flags_as_for_one(client_for, flag):
    client = client_for(VIEWER)
    url = reverse("admin:cases_contradiction_changelist")
    client.get(url)  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        case = CaseFactory(status=choices.CaseStatus.CONVICTED)
        services.record_event(case=case, kind=choices.EventKind.DIED, date=D(2024, 1, number + 1))

    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()

    assert body.count("Died on") == 6
    assert len(many.captured_queries) == len(one.captured_queries)
