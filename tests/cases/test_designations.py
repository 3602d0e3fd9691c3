"""Designation lists (issue 18, point 5): staff import dated, sourced snapshots of a state's list of
people "involved in terrorist activity" (pasted as published, or a table), the registry matches
them across scripts on the release waves' review screen, and confirming records each inclusion
and removal (found by comparing snapshots) as a dated, sourced timeline entry; a person on the
terrorism list gets a 'watch' reason. Every name is invented."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.identity.announced import read_announced_list
from cases.models import Case, CaseEvent, Designation, DesignationList, SnapshotEntry
from cases.protection.permissions import EDITOR, VIEWER
from cases.risk.assessment import assess_all_cases
from cases.transfer.announced_lists import read_list
from cases.transfer.importing import UnreadableFile
from tests.factories import PersonFactory, SourceFactory, UserFactory, article, jurisdiction

D = datetime.date
BE, RU, LATIN = choices.Script.BE_CYRILLIC, choices.Script.RU_CYRILLIC, choices.Script.LATIN
OFFICIAL_BE, OTHER_LATIN = choices.NameKind.OFFICIAL_BE, choices.NameKind.OTHER_LATIN


# Reading the lists as published (pure) -----------------------------------------------------------


def test_a_published_entry_gives_the_name_its_other_spelling_and_the_birth_date_not_the_place():
    text = """1. КАВАЛЁЎ Андрэй Сяргеевіч (Kavalou Andrei), 12.03.1984 г.р., уроженец г. Минска;
2. ЛЯШКЕВИЧ ПАВЕЛ СЕРГЕЕВИЧ*, 22.03.1985 г.р. , Г. ГРОДНО
3. Мельник Ольга Петровна, уроженка г. Бреста, 1991 г.р.
4. Radzevich, Ihar, 1979
5. Захаранка Сяргей Іванавіч, 31.02.1990"""

    got = [(n.name, n.aliases, n.birth_date, n.birth_precision) for n in read_announced_list(text)]

    assert got == [
        ("КАВАЛЁЎ Андрэй Сяргеевіч", ("Kavalou Andrei",), D(1984, 3, 12), "day"),
        ("ЛЯШКЕВИЧ ПАВЕЛ СЕРГЕЕВИЧ", (), D(1985, 3, 22), "day"),
        ("Мельник Ольга Петровна", (), D(1991, 1, 1), "year"),
        ("Radzevich Ihar", (), D(1979, 1, 1), "year"),
        ("Захаранка Сяргей Іванавіч", (), D(1990, 1, 1), "year"),  # no 31 February: the year only
    ]


def test_a_table_is_read_by_its_headings_with_the_day_of_inclusion_and_doubtful_dates_reported(settings):
    text = """№;Фамилия;Имя;Отчество;Дата рождения;Дата включения в перечень
1;Кавалёў;Андрэй;Сяргеевіч;12.03.1984;01.02.2023
2;Мельник;Ольга;;1991;
3;Ляшкевич;Павел;;31.02.1985;позже"""

    read = read_list(text=text)

    got = [(n.line, n.name, n.birth_date, n.listed_on) for n in read.entries]
    assert got == [
        (2, "Кавалёў Андрэй Сяргеевіч", D(1984, 3, 12), D(2023, 2, 1)),
        (3, "Мельник Ольга", D(1991, 1, 1), None),
        (4, "Ляшкевич Павел", None, None),
    ]
    assert read.problems == [
        "row 4: birth date: day 31 does not exist in that month",
        "row 4: day of inclusion: not a date: write DD.MM.YYYY, MM.YYYY or YYYY",
    ]
    assert "Дата рождения: 12.03.1984" in read.entries[0].text  # the entry as written is kept


def test_a_table_without_a_name_column_is_refused_with_the_headings_it_takes():
    with pytest.raises(UnreadableFile, match="No column of names"):
        read_list(data="Номер;Дата\n1;2023\n".encode())


def test_pasted_lines_with_commas_are_not_taken_for_a_table():
    read = read_list(text="1. Мельник Ольга Петровна, 1991 г.р.\n2. Radzevich, Ihar")

    assert [n.name for n in read.entries] == ["Мельник Ольга Петровна", "Radzevich Ihar"]


# Snapshots, review and confirmation --------------------------------------------------------------


def _held_person(names, born=None, article_notation="342.1"):
    person = PersonFactory(names=names, birth_date=born, birth_date_precision="year" if born else "unknown")
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=D(2022, 3, 1), status="convicted"
    )
    services.add_charge(case=case, article=article(article_notation), charged_on=D(2022, 3, 2))
    return person


@pytest.fixture
def registry(law):
    return {
        "kavalou": _held_person([("Кавалёў Андрэй", BE, OFFICIAL_BE, True)], born=D(1984, 1, 1)),
        "melnik": _held_person([("Melnik Volha", LATIN, OTHER_LATIN, True)]),
        "radzevich": _held_person([("Радзевіч Ігар", BE, OFFICIAL_BE, True)], born=D(1979, 1, 1)),
    }


@pytest.fixture
def terror_list(law):
    return DesignationList.objects.get(code="by-terrorist-activity")


def _snapshot(designation_list, day, text, title=None):
    return services.import_designation_snapshot(
        designation_list=designation_list,
        date=day,
        source=SourceFactory(title=title or f"Synthetic copy of the list, {day}", confidential=False),
        entries=read_list(text=text).entries,
    )


def _confirm_as_proposed(snapshot, **kwargs):
    review = services.review_snapshot(snapshot)
    chosen = {row.entry.line: row.proposed for row in review.entries if row.proposed}
    removals = [r.designation.person_id for r in review.removals if r.proposed]
    return services.confirm_designation_snapshot(
        snapshot=snapshot, chosen=chosen, removals=removals, **kwargs
    )


def _designation(person, designation_list):
    return Designation.objects.get(person=person, designation_list=designation_list)


@pytest.mark.django_db
def test_the_shipped_lists_are_loaded_with_the_terrorism_list_giving_a_watch_reason(law):
    lists = {
        dl.code: (dl.jurisdiction.code, dl.kind, dl.gives_watch_reason)
        for dl in DesignationList.objects.all()
    }

    assert lists["by-terrorist-activity"] == ("BY", "terrorism", True)
    assert lists["by-extremist-activity"] == ("BY", "extremism", False)
    assert lists["ru-rosfinmonitoring"] == ("RU", "both", False)


@pytest.mark.django_db
def test_a_snapshot_keeps_every_entry_and_records_nothing_about_anyone_until_confirmed(registry, terror_list):
    snapshot = _snapshot(
        terror_list, D(2024, 3, 1), "1. Кавалёў Андрэй Сяргеевіч, 12.03.1984 г.р.\n2. Невядомы Пётр"
    )

    assert list(snapshot.entries.values_list("line", "name", "person")) == [
        (1, "Кавалёў Андрэй Сяргеевіч", None),
        (2, "Невядомы Пётр", None),
    ]
    assert not Designation.objects.exists()
    assert not CaseEvent.objects.filter(kind=choices.EventKind.DESIGNATED).exists()


@pytest.mark.django_db
def test_snapshots_are_refused_out_of_date_order_in_the_future_and_empty(registry, terror_list):
    _snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй")

    with pytest.raises(RefusedChange, match="import the older ones first"):
        _snapshot(terror_list, D(2024, 1, 1), "Кавалёў Андрэй")
    with pytest.raises(RefusedChange, match="has not come yet"):
        _snapshot(terror_list, D.today() + datetime.timedelta(days=1), "Кавалёў Андрэй")
    with pytest.raises(RefusedChange, match="no names"):
        services.import_designation_snapshot(
            designation_list=terror_list, date=D(2024, 5, 1), source=SourceFactory(), entries=[]
        )


@pytest.mark.django_db
def test_the_review_matches_across_scripts_and_a_year_of_birth_rules_out_a_namesake(registry, terror_list):
    snapshot = _snapshot(
        terror_list,
        D(2024, 3, 1),
        "1. КОВАЛЕВ Андрей Сергеевич, 12.03.1984 г.р.\n"
        "2. Мельник Ольга Петровна\n"
        "3. Радзевич Игорь, 1990 г.р.",
    )

    review = services.review_snapshot(snapshot)

    got = [(row.entry.line, row.match.outcome, row.proposed) for row in review.entries]
    assert got == [
        (1, "matched", registry["kavalou"].pk),
        (2, "matched", registry["melnik"].pk),
        (3, "ambiguous", None),  # the registry's Radzevich was born in 1979: a person decides
    ]


@pytest.mark.django_db(transaction=True)
def test_confirming_the_first_snapshot_records_the_inclusion_dated_at_the_latest_with_its_source(
    registry, terror_list
):
    snapshot = _snapshot(
        terror_list, D(2024, 3, 1), "1. Кавалёў Андрэй Сяргеевіч, 12.03.1984 г.р.", "KGB list copy"
    )

    outcome = _confirm_as_proposed(snapshot)

    assert outcome.listed == [registry["kavalou"].pk]
    designation = _designation(registry["kavalou"], terror_list)
    assert (designation.listed_on, designation.listed_after, designation.listed_on_given) == (
        D(2024, 3, 1),
        None,
        False,
    )
    event = designation.listed_event
    case = Case.objects.get(person=registry["kavalou"])
    assert (event.case, event.kind, event.date, event.is_public) == (case, "designated", D(2024, 3, 1), True)
    assert [s.title for s in event.sources.all()] == ["KGB list copy"]
    assert "first seen in its snapshot of 2024-03-01" in event.text
    assert SnapshotEntry.objects.get(snapshot=snapshot, line=1).person == registry["kavalou"]


@pytest.mark.django_db(transaction=True)
def test_a_person_on_the_terrorism_list_gets_a_watch_reason_in_every_case_and_the_full_pass_agrees(
    registry, terror_list
):
    person = registry["kavalou"]
    second = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=D(2024, 6, 1), status="detained"
    )
    _confirm_as_proposed(_snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй Сяргеевіч, 12.03.1984 г.р."))

    for case in Case.objects.filter(person=person):
        case.refresh_from_db()
        assert case.risk_level == "watch", case
        (reason,) = [r for r in case.assessments.first().reasons if r["rule"] == "designated"]
        assert reason["text"].startswith(
            "Listed as involved in terrorist activity since 2024-03-01 at the latest"
        )
    assert assess_all_cases().changed == 0  # the full pass reads the designations the same way
    assert Case.objects.get(pk=second.pk).risk_level == "watch"
    assert Case.objects.get(person=registry["melnik"]).risk_level == "none"


@pytest.mark.django_db(transaction=True)
def test_the_extremist_list_records_the_inclusion_but_gives_no_reason_unless_staff_say_so(registry, law):
    extremist = DesignationList.objects.get(code="by-extremist-activity")
    _confirm_as_proposed(_snapshot(extremist, D(2024, 3, 1), "Кавалёў Андрэй Сяргеевіч, 1984 г.р."))
    case = Case.objects.get(person=registry["kavalou"])
    case.refresh_from_db()
    assert case.events.filter(kind="designated").exists()
    assert case.risk_level == "none"

    extremist.gives_watch_reason = True
    services.save_designation_list(designation_list=extremist)

    case.refresh_from_db()
    assert case.risk_level == "watch"
    assert "involved in extremist activity" in case.assessments.first().reasons[0]["text"]


@pytest.mark.django_db(transaction=True)
def test_comparing_snapshots_dates_a_new_inclusion_between_them_and_a_removal_likewise(registry, terror_list):
    _confirm_as_proposed(
        _snapshot(terror_list, D(2024, 3, 1), "1. Кавалёў Андрэй Сяргеевіч, 12.03.1984 г.р.")
    )
    second = _snapshot(
        terror_list, D(2024, 6, 1), "1. Мельник Ольга Петровна\n2. Кавалёў Андрэй Сяргеевіч, 12.03.1984 г.р."
    )
    outcome = _confirm_as_proposed(second)
    assert (outcome.listed, outcome.still_listed) == ([registry["melnik"].pk], [registry["kavalou"].pk])
    melnik = _designation(registry["melnik"], terror_list)
    assert (melnik.listed_on, melnik.listed_after) == (D(2024, 6, 1), D(2024, 3, 1))
    assert "not in the one of 2024-03-01" in melnik.listed_event.text

    third = _snapshot(terror_list, D(2024, 9, 1), "1. Мельник Ольга Петровна", "Copy of September")
    review = services.review_snapshot(third)
    assert [(r.designation.person_id, r.proposed) for r in review.removals] == [
        (registry["kavalou"].pk, True)
    ]
    outcome = _confirm_as_proposed(third)

    assert outcome.removed == [registry["kavalou"].pk]
    kavalou = _designation(registry["kavalou"], terror_list)
    assert (kavalou.removed_on, kavalou.removed_after) == (D(2024, 9, 1), D(2024, 6, 1))
    event = kavalou.removed_event
    assert (event.kind, event.date, [s.title for s in event.sources.all()]) == (
        "delisted",
        D(2024, 9, 1),
        ["Copy of September"],
    )
    case = Case.objects.get(person=registry["kavalou"])
    assert case.risk_level == "none"  # off the list: the watch reason is gone
    assert case.events.filter(kind="designated").count() == 1  # the inclusion stays in the history


@pytest.mark.django_db(transaction=True)
def test_a_name_on_earlier_snapshots_before_the_person_was_in_the_registry_is_dated_by_the_first(
    law, terror_list
):
    _confirm_as_proposed(_snapshot(terror_list, D(2023, 1, 1), "1. Невядомы Пётр"))
    _confirm_as_proposed(_snapshot(terror_list, D(2024, 3, 1), "1. Захаранка Сяргей Іванавіч, 1990 г.р."))
    _confirm_as_proposed(_snapshot(terror_list, D(2024, 6, 1), "1. Захаранка Сяргей Іванавіч, 1990 г.р."))
    person = _held_person([("Захаранка Сяргей", BE, OFFICIAL_BE, True)], born=D(1990, 1, 1))

    _confirm_as_proposed(_snapshot(terror_list, D(2024, 9, 1), "1. Захаранка Сяргей Іванавіч, 1990 г.р."))

    designation = _designation(person, terror_list)
    assert (designation.listed_on, designation.listed_after) == (D(2024, 3, 1), D(2023, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_the_day_of_inclusion_a_table_gives_is_the_day_recorded(registry, terror_list):
    table = "ФИО;Дата рождения;Дата включения\nКавалёў Андрэй Сяргеевіч;12.03.1984;15.11.2023\n"

    _confirm_as_proposed(_snapshot(terror_list, D(2024, 3, 1), table))

    designation = _designation(registry["kavalou"], terror_list)
    assert (designation.listed_on, designation.listed_on_given) == (D(2023, 11, 15), True)
    reason = Case.objects.get(person=registry["kavalou"]).assessments.first().reasons[0]["text"]
    assert "since 2023-11-15, on the" in reason and "at the latest" not in reason


@pytest.mark.django_db(transaction=True)
def test_the_person_confirmed_before_is_proposed_again_and_a_doubtful_removal_is_not_proposed(
    registry, terror_list
):
    first = _snapshot(terror_list, D(2024, 3, 1), "1. Радзевич Игорь, 1990 г.р.")
    services.confirm_designation_snapshot(
        snapshot=first, chosen={1: registry["radzevich"].pk}
    )  # a person chose
    # The same entry again: proposed as confirmed, although the names alone leave a doubt.
    second = _snapshot(terror_list, D(2024, 6, 1), "1. Радзевич Игорь, 1990 г.р.")
    (row,) = services.review_snapshot(second).entries
    assert (row.match.outcome, row.confirmed_before) == ("ambiguous", registry["radzevich"].pk)
    assert row.proposed == registry["radzevich"].pk
    _confirm_as_proposed(second)
    # Another year of birth: maybe them, maybe a namesake. Neither the match nor the removal is
    # proposed; the screen says which line might still be them.
    third = _snapshot(terror_list, D(2024, 9, 1), "1. Радзевич Игорь, 1985 г.р.")
    review = services.review_snapshot(third)
    assert review.entries[0].proposed is None
    assert [(r.designation.person_id, r.maybe_lines, r.proposed) for r in review.removals] == [
        (registry["radzevich"].pk, [1], False)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_later_confirmed_snapshot_stops_an_earlier_one_from_being_confirmed(registry, terror_list):
    first = _snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй Сяргеевіч, 1984 г.р.")
    _confirm_as_proposed(_snapshot(terror_list, D(2024, 6, 1), "Кавалёў Андрэй Сяргеевіч, 1984 г.р."))

    with pytest.raises(RefusedChange, match="compared in date order"):
        _confirm_as_proposed(first)


@pytest.mark.django_db(transaction=True)
def test_undoing_a_wrong_match_removes_the_entry_and_the_reason_and_history_keeps_them(registry, terror_list):
    snapshot = _snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй Сяргеевіч, 1984 г.р.")
    _confirm_as_proposed(snapshot)
    designation = _designation(registry["kavalou"], terror_list)
    event_id = designation.listed_event_id

    services.undo_designation(designation=designation)

    case = Case.objects.get(person=registry["kavalou"])
    assert not Designation.objects.exists() and not CaseEvent.objects.filter(pk=event_id).exists()
    assert case.risk_level == "none"
    assert SnapshotEntry.objects.get(snapshot=snapshot).person is None
    assert Designation.history.filter(history_type="-").count() == 1
    assert CaseEvent.history.filter(id=event_id, history_type="-").count() == 1


# The screens ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_import_a_table_review_it_and_confirm_on_the_admin_screens(client, registry, terror_list):
    client.force_login(UserFactory(groups=[EDITOR]))
    source = SourceFactory(title="Synthetic KGB page")
    table = "№;Ф.И.О.;Дата рождения\n1;КОВАЛЕВ Андрей Сергеевич;12.03.1984\n2;Невядомы Пётр;\n".encode()
    upload = SimpleUploadedFile("list.csv", table, content_type="text/csv")

    response = client.post(
        reverse("admin:cases_designationsnapshot_import"),
        {"designation_list": terror_list.pk, "date": "2024-03-01", "source": source.pk, "upload": upload},
    )

    snapshot = terror_list.snapshots.get()
    assert response.status_code == 302 and response.url == reverse(
        "admin:cases_designationsnapshot_review", args=[snapshot.pk]
    )
    page = client.get(response.url).content.decode()
    assert "<strong>1</strong> matched, <strong>0</strong> to choose" in page
    assert f'name="line-2" value="{registry["kavalou"].pk}" checked' in page
    assert "not in the registry" in page

    client.post(response.url, {"line-2": registry["kavalou"].pk, "line-3": "none"})

    assert Designation.objects.get().person == registry["kavalou"]
    listing = client.get(reverse("admin:cases_designation_changelist")).content.decode()
    assert "2024-03-01 at the latest" in listing


@pytest.mark.django_db
def test_the_import_screen_says_what_is_wrong_with_a_list(client, registry, terror_list):
    client.force_login(UserFactory(groups=[EDITOR]))
    url = reverse("admin:cases_designationsnapshot_import")
    base = {"designation_list": terror_list.pk, "date": "2024-03-01", "source": SourceFactory().pk}

    neither = client.post(url, base).content.decode()
    no_names = client.post(url, {**base, "names": "1.\n2.\n"}).content.decode()

    assert "Give the list either as a table or pasted" in neither
    assert "No names were found in the list." in no_names
    assert not terror_list.snapshots.exists()


@pytest.mark.django_db
def test_a_viewer_cannot_import_or_confirm_a_snapshot(client, registry, terror_list):
    snapshot = _snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй")
    client.force_login(UserFactory(groups=[VIEWER]))

    assert client.get(reverse("admin:cases_designationsnapshot_import")).status_code == 403
    review = reverse("admin:cases_designationsnapshot_review", args=[snapshot.pk])
    assert client.post(review, {"line-1": registry["kavalou"].pk}).status_code == 403
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_the_persons_page_lists_their_designations(client, registry, terror_list):
    services.confirm_designation_snapshot(
        snapshot=_snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй"), chosen={1: registry["kavalou"].pk}
    )
    client.force_login(UserFactory(groups=[EDITOR]))

    page = client.get(reverse("admin:cases_person_change", args=[registry["kavalou"].pk])).content.decode()

    assert "Designation lists (the state" in page
    assert "List of organisations and individuals involved in terrorist activity" in page


@pytest.mark.django_db(transaction=True)
def test_merging_two_records_moves_the_designation_and_undoing_the_merge_moves_it_back(registry, terror_list):
    from cases.services import merging

    duplicate = _held_person([("Kavalou Andrei", LATIN, OTHER_LATIN, True)])
    snapshot = _snapshot(terror_list, D(2024, 3, 1), "Кавалёў Андрэй Сяргеевіч, 1984 г.р.")
    services.confirm_designation_snapshot(snapshot=snapshot, chosen={1: duplicate.pk})

    merge = merging.merge_people(kept=registry["kavalou"], merged=duplicate)

    assert _designation(registry["kavalou"], terror_list).listed_on == D(2024, 3, 1)
    assert SnapshotEntry.objects.get(snapshot=snapshot).person == registry["kavalou"]
    assert {c.risk_level for c in Case.objects.filter(person=registry["kavalou"])} == {"watch"}

    merging.undo_merge(merge=merge)

    assert Designation.objects.get().person == duplicate
    assert SnapshotEntry.objects.get(snapshot=snapshot).person == duplicate
