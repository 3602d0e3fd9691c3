"""Releases from imported lists (issue 18, point 1): a status word that says the person is out
makes the case's release (how as the word says), row by row and in bulk alike; a later detention
of a released person is a re-arrest, a new case on the same person, never the released case
rewritten. Every name here is invented."""

import datetime

import pytest

from cases.models import Case, Person, Release
from cases.transfer.importing import importer
from tests.cases.test_import import csv_bytes, do_import, row

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
