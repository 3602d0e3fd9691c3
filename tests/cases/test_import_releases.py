"""Releases from imported lists (issue 18, point 1): a status word that says the person is out
makes the case's release (how as the word says), row by row and in bulk alike; a later detention
of a released person is a re-arrest, a new case on the same person, never the released case
rewritten. Every name here is invented."""

import datetime
from dataclasses import replace

import pytest

from cases import services
from cases.models import Case, Person, Release
from cases.transfer.importing import importer
from tests.cases.test_import import HEADER, PRISONERS, csv_bytes, do_import, row

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
@pytest.mark.parametrize(
    ("word", "status", "how"),
    [
        ("освобожден", "released", "unknown"),
        ("помилован", "pardoned", "pardon"),
        ("депортирован", "deported", "deportation"),
        ("памёр", "died_in_custody", "death_in_custody"),
    ],
)
def test_a_status_word_that_says_out_makes_the_release(law, monkeypatch, bulk, word, status, how):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)

    do_import(csv_bytes([row(status=word, release_date="10.09.2025" if status != "died_in_custody" else "")]))

    case = Case.objects.get()
    assert (case.status, case.release.how) == (status, how)


def test_a_released_person_detained_again_gets_a_new_case(law):
    do_import(csv_bytes([row(status="освобожден", release_date="10.09.2024")]))
    released = Case.objects.get()

    report = do_import(
        csv_bytes([row(status="задержан", arrested="03.02.2025", verdict_date="", penalty="")])
    )

    person = Person.objects.get()
    cases = list(person.cases.order_by("detention_date"))
    assert [(c.pk, c.status, c.detention_date) for c in cases] == [
        (released.pk, "released", D(2021, 11, 3)),
        (cases[1].pk, "detained", D(2025, 2, 3)),
    ]
    assert Release.objects.get().case_id == released.pk
    assert "case in BY created" in report.outcomes[0].changes


@pytest.mark.parametrize(
    "arrested",
    [
        "03.11.2021",  # the same detention
        "05.11.2021",  # another day for the same detention, before the release: a correction
        "",  # no detention date: the row cannot say it is another case
    ],
)
def test_a_row_that_does_not_say_a_later_detention_stays_on_the_released_case(law, arrested):
    do_import(csv_bytes([row(status="освобожден", release_date="10.09.2024")]))

    do_import(csv_bytes([row(status="освобожден", release_date="10.09.2024", arrested=arrested)]))

    assert Case.objects.count() == 1


# How the person left custody, in a column of its own ------------------------------------------

HOW_HEADER = [*HEADER, "how"]
WITH_HOW = replace(PRISONERS, columns={**PRISONERS.columns, "how": "release_how"})


def _import_with_how(rows, **kwargs):
    return do_import(csv_bytes(rows, header=HOW_HEADER), mapping=WITH_HOW, **kwargs)


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
@pytest.mark.parametrize(
    ("word", "how", "status"),
    [
        ("УДО", "parole", "released"),
        ("отбыл срок", "sentence_served", "released"),
        ("по амнистии", "amnesty", "released"),
        ("Помилован", "pardon", "pardoned"),
        ("выслан", "deportation", "deported"),
        ("parole", "parole", "released"),
    ],
)
def test_a_how_column_says_how_the_person_left_custody(law, monkeypatch, bulk, word, how, status):
    """Row by row and in bulk alike, with the status a release of that kind leaves."""
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)

    _import_with_how([row(status="освобожден", release_date="10.09.2025", how=word)])

    case = Case.objects.get()
    assert (case.release.how, case.status) == (how, status)


def test_a_how_column_completes_a_release_the_registry_knew_only_from_the_status(law):
    _import_with_how([row(status="освобожден", release_date="10.09.2025")])
    assert Case.objects.get().release.how == "unknown"

    report = _import_with_how([row(status="освобожден", release_date="10.09.2025", how="УДО")])

    assert Case.objects.get().release.how == "parole"
    assert "release: parole" in report.outcomes[0].changes


def test_a_how_staff_recorded_is_kept_and_the_row_says_the_list_differs(law):
    _import_with_how([row(status="освобожден", release_date="10.09.2025")])
    release = Case.objects.get().release
    services.correct_release(release=release, how="exchange")

    report = _import_with_how([row(status="освобожден", release_date="10.09.2025", how="УДО")])

    assert Case.objects.get().release.how == "exchange"
    (warning,) = [w for w in report.warnings if w.column == "how"]
    assert "the list says parole, the registry exchange (recorded by staff): kept" in warning.reason


def test_a_how_for_a_person_still_held_records_nothing_and_says_so(law):
    report = _import_with_how([row(status="осужден", how="УДО")])

    assert not Release.objects.exists()
    (warning,) = [w for w in report.warnings if w.column == "how"]
    assert "given, but not that they did" in warning.reason


def test_an_unknown_how_word_is_a_warning_and_the_list_vocabulary_reads_its_own_words(law):
    report = _import_with_how([row(status="освобожден", release_date="10.09.2025", how="по звонку")])
    assert Case.objects.get().release.how == "unknown"
    assert any("not a way out of custody this import knows" in w.reason for w in report.warnings)

    own_words = replace(
        WITH_HOW, vocabulary={**WITH_HOW.vocabulary, "release_how": {"по звонку": "sentence_served"}}
    )
    do_import(
        csv_bytes([row(status="освобожден", release_date="10.09.2025", how="по звонку")], header=HOW_HEADER),
        mapping=own_words,
    )
    assert Case.objects.get().release.how == "sentence_served"
