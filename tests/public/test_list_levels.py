"""The public list says each person's risk level in words, the home counters lead to the people
they count, and the list's CSV holds the list's columns with flat names (issue 15, point 6)."""

import csv
import datetime
import html as html_lib
import io
import re

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import choices, services
from cases.models import Case, Person
from cases.protection.public_role import (
    NEVER_GRANTED,
    PUBLIC_ALIAS,
    PUBLIC_COLUMNS,
    withheld_fields,
)
from public.presenters import partial_date_iso
from tests.factories import FacilityFactory, SourceFactory, article, in_language
from tests.public.conftest import make_person
from tests.registry.test_public_role import public_alias  # noqa: F401 (the fixture: a reader role)

D = datetime.date
BE, RU, LATIN = choices.Script.BE_CYRILLIC, choices.Script.RU_CYRILLIC, choices.Script.LATIN
OFFICIAL_BE, OFFICIAL_RU = choices.NameKind.OFFICIAL_BE, choices.NameKind.OFFICIAL_RU
PASSPORT, ALIAS = choices.NameKind.PASSPORT_LATIN, choices.NameKind.ALIAS
CANARY = "CANARY7e1f"


def _names(be: str, ru: str, latin: str):
    return [(be, BE, OFFICIAL_BE), (ru, RU, OFFICIAL_RU), (latin, LATIN, PASSPORT)]


def _published(latin: str, *, level: str = "none", stale: bool = False, **fields) -> Case:
    """A published person named `latin` (with Cyrillic forms) whose one case has the given risk."""
    case = make_person(names=_names(f"Бел {latin}", f"Рус {latin}", latin), **fields)
    Case.objects.filter(pk=case.pk).update(risk_level=level, risk_stale=stale)
    return case


def _get(client, url, **params) -> str:
    return client.get(url, params).content.decode()


def _row_of(page: str, latin: str) -> str:
    """The table row (tags dropped, spaces joined) of the person whose name is `latin`."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        if latin in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {latin!r} in the list")


def _found(page: str) -> int:
    match = re.search(r"(\d+) (?:person|people) found", page)
    assert match, "the list says how many people it found"
    return int(match.group(1))


def _csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _csv_link(page: str) -> str:
    match = re.search(r'<a href="([^"]+)"[^>]*>Download this list as CSV</a>', page)
    assert match, "the list links to its CSV"
    return html_lib.unescape(match.group(1))


# The level on the list ------------------------------------------------------------------------


def test_list_names_elevated_critical_and_sentenced_to_death_apart_in_words(client, law):
    _published("Elevatus Primus", level="elevated")
    _published("Criticus Secundus", level="critical")
    _published("Damnatus Tertius", level="sentenced_to_death")

    page = _get(client, reverse("public:person-list"))

    assert "Elevated risk" in _row_of(page, "Elevatus Primus")
    assert "Critical risk" in _row_of(page, "Criticus Secundus")
    assert "Sentenced to death" in _row_of(page, "Damnatus Tertius")
    assert "at risk of the death penalty" not in page  # the one badge for all three is gone


def test_list_levels_differ_in_text_and_in_class_not_in_colour_alone(client, law):
    _published("Elevatus Primus", level="elevated")
    _published("Criticus Secundus", level="critical")

    page = _get(client, reverse("public:person-list"))

    assert 'class="tag tag-elevated"' in page and 'class="tag tag-critical"' in page
    assert "Elevated risk" not in _row_of(page, "Criticus Secundus")


def test_list_says_under_review_for_a_stale_case_never_its_old_level(client, law):
    _published("Revisus Quartus", level="critical", stale=True)

    row = _row_of(_get(client, reverse("public:person-list")), "Revisus Quartus")

    assert "Under review" in row
    assert "Critical" not in row


@pytest.mark.parametrize("level", ["watch", "none"])
def test_list_shows_no_risk_label_for_watch_or_no_identified_risk(client, law, level):
    """As on the person page: watch is not a risk of execution, and it is not announced per person."""
    _published("Quietus Quintus", level=level)

    row = _row_of(_get(client, reverse("public:person-list")), "Quietus Quintus")

    assert not re.search(r"risk|Sentenced|review|watch", row, flags=re.I)


def test_list_shows_the_highest_level_among_a_persons_cases(client, law):
    case = _published("Duplex Sextus", level="critical", detention_date=D(2020, 5, 1))
    newer = services.create_case(
        person=case.person, jurisdiction=case.jurisdiction, detention_date=D(2023, 1, 9), status="detained"
    )
    Case.objects.filter(pk=newer.pk).update(risk_level="none", risk_stale=False)

    row = _row_of(_get(client, reverse("public:person-list")), "Duplex Sextus")

    assert "Critical risk" in row


def test_list_levels_are_translated_into_belarusian_and_russian(client, law):
    _published("Criticus Secundus", level="critical")
    url = reverse("public:person-list")

    be = client.get(in_language(url, "be")).content.decode()
    ru = client.get(in_language(url, "ru")).content.decode()

    assert "Крытычная рызыка" in be
    assert "Критический риск" in ru


# The filter and the home counters -------------------------------------------------------------


@pytest.mark.parametrize("few", [1, 2000])
def test_list_filter_at_risk_finds_elevated_critical_and_sentenced_only(client, law, monkeypatch, few):
    """Their people are read first when few (cases.filtersets.FEW_PEOPLE), else a subquery: the
    same people either way."""
    monkeypatch.setattr("cases.filtersets.FEW_PEOPLE", few)
    for latin, level in [
        ("Elevatus Primus", "elevated"),
        ("Criticus Secundus", "critical"),
        ("Damnatus Tertius", "sentenced_to_death"),
        ("Vigilatus Septimus", "watch"),
        ("Tutus Octavus", "none"),
    ]:
        _published(latin, level=level)
    _published("Revisus Quartus", level="critical", stale=True)

    page = _get(client, reverse("public:person-list"), risk_level="at_risk")

    assert _found(page) == 3
    assert all(n in page for n in ("Elevatus Primus", "Criticus Secundus", "Damnatus Tertius"))
    assert not any(n in page for n in ("Vigilatus Septimus", "Tutus Octavus", "Revisus Quartus"))


def test_list_filter_held_now_finds_every_held_status_and_no_other(client, law):
    for i, status in enumerate(choices.CaseStatus.values):
        _published(f"Status{i} {status}", status=status)

    page = _get(client, reverse("public:person-list"), status="held")

    assert _found(page) == len(choices.HELD_STATUSES)
    assert all(f" {status}" in page for status in choices.HELD_STATUSES)
    assert "Status4 released" not in page


def test_list_filter_form_offers_at_risk_and_held_now(client, law):
    page = _get(client, reverse("public:person-list"), risk_level="at_risk", status="held")

    assert '<option value="at_risk" selected>elevated or higher</option>' in page
    assert '<option value="held" selected>held now</option>' in page


@pytest.mark.parametrize(("counter", "expected"), [("held", 3), ("at-risk", 2)])
def test_home_counter_links_to_the_list_of_the_people_it_counts(client, law, counter, expected):
    _published("Elevatus Primus", level="elevated", status="on_trial")
    _published("Criticus Secundus", level="critical", status="detained")
    _published("Vigilatus Septimus", level="watch", status="convicted")
    _published("Liberatus Nonus", level="none", status="released")
    make_person(names=_names("Бел Draftus", "Рус Draftus", "Draftus Decimus"), publish=False)

    home = _get(client, reverse("public:home"))
    match = re.search(rf'<a href="([^"]+)"[^>]*data-count="{counter}">\s*(\d+)\s*</a>', home)
    assert match, f"the {counter} counter is a link"
    listed = _get(client, html_lib.unescape(match.group(1)))

    assert int(match.group(2)) == expected
    assert _found(listed) == expected
    assert "Draftus" not in listed


# The list's CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "expected"),
    [("day", "2022-03-07"), ("month", "2022-03"), ("year", "2022"), ("unknown", "")],
)
def test_partial_date_iso_writes_a_date_only_as_far_as_it_is_known(precision, expected):
    assert partial_date_iso(D(2022, 3, 7), precision) == expected
    assert partial_date_iso(None, precision) == ""


NAME_COLUMNS = ("Name", "Name in Belarusian Cyrillic", "Name in Russian Cyrillic", "Name in Latin")
LIST_COLUMNS = ("Region", "Status", "Detained", "Risk of the death penalty", "Articles", "Place of detention")


@pytest.fixture
def held_at_risk(law):
    """A published person with names in three scripts and an alias, a current and a dropped charge,
    a facility, a critical risk and every confidential field holding the canary; and a draft."""
    case = _published("Criticus Secundus", level="critical", detention_date=D(2022, 3, 1))
    services.add_person_name(person=case.person, text="Kritik", script=LATIN, kind=ALIAS)
    services.update_person(person=case.person, internal_notes=f"note {CANARY}", contacts=f"mail {CANARY}")
    source = SourceFactory(title=f"Confidential {CANARY}", confidential=True, contact=f"tel {CANARY}")
    services.add_charge(case=case, article=article("289.3"), charged_on=D(2022, 3, 2), source=source)
    dropped = services.add_charge(case=case, article=article("218.2"), charged_on=D(2022, 3, 2))
    services.end_charge(charge=dropped, state="dropped", on=D(2022, 5, 1))
    services.transfer_person(
        case=case, facility=FacilityFactory(name_en="Synthetic SIZO No. 77"), on=D(2022, 3, 3)
    )
    Case.objects.filter(pk=case.pk).update(risk_level="critical", risk_stale=False)
    make_person(names=_names("Бел Draftus", "Рус Draftus", f"Draftus {CANARY}"), publish=False)
    return case


def test_list_csv_has_the_list_columns_with_names_flat_one_column_per_script(client, held_at_risk):
    page = _get(client, reverse("public:person-list"))

    rows = _csv_rows(client.get(_csv_link(page)))

    assert list(rows[0])[: len(NAME_COLUMNS)] == list(NAME_COLUMNS)
    assert set(LIST_COLUMNS) <= set(rows[0])
    row = rows[0]
    assert row["Name"] == "Criticus Secundus"
    assert row["Name in Belarusian Cyrillic"] == "Бел Criticus Secundus"
    assert row["Name in Russian Cyrillic"] == "Рус Criticus Secundus"
    assert row["Name in Latin"] == "Criticus Secundus"
    assert row["Other names"] == "Kritik"
    assert not any(cell.startswith(("[", "{")) for cell in row.values())


def test_list_csv_gives_the_passport_form_for_latin_and_other_transliterations_apart(client, law):
    make_person(
        names=[
            ("Бел Translitus", BE, OFFICIAL_BE),
            ("Alt Translitus", LATIN, choices.NameKind.OTHER_LATIN),
            ("Pass Translitus", LATIN, PASSPORT),
        ]
    )

    (row,) = _csv_rows(client.get(reverse("public:person-list-csv")))

    assert row["Name in Latin"] == "Pass Translitus"
    assert row["Name in Belarusian Cyrillic"] == "Бел Translitus"
    assert row["Name in Russian Cyrillic"] == ""
    assert row["Other names"] == "Alt Translitus"


def test_list_csv_has_risk_level_detention_date_articles_and_facility(client, held_at_risk):
    page = _get(client, reverse("public:person-list"))

    (row,) = _csv_rows(client.get(_csv_link(page)))

    assert row["Risk of the death penalty"] == "Critical risk"
    assert row["Detained"] == "2022-03-01"
    assert row["Articles"] == "art. 289 part 3"  # current charges only: the dropped 218.2 is not
    assert row["Place of detention"] == "Synthetic SIZO No. 77"
    assert row["Status"] == "detained (pre-trial)"


def test_list_csv_keeps_the_lists_filters(client, law):
    _published("Criticus Secundus", level="critical")
    _published("Tutus Octavus", level="none")
    page = _get(client, reverse("public:person-list"), risk_level="at_risk")

    rows = _csv_rows(client.get(_csv_link(page)))

    assert [r["Name"] for r in rows] == ["Criticus Secundus"]


def test_list_csv_holds_every_page_of_the_list_not_only_the_first(client, law):
    for i in range(51):
        _published(f"Numerus {i:02d}")

    rows = _csv_rows(client.get(reverse("public:person-list-csv"), {"page": "2"}))

    assert len(rows) == 51


def test_list_csv_leaks_no_confidential_value_and_no_unpublished_person(client, held_at_risk):
    response = client.get(reverse("public:person-list-csv"))
    body = b"".join(response.streaming_content).decode()

    assert CANARY not in body and "Draftus" not in body
    assert "Criticus Secundus" in body


def test_list_csv_ignores_the_publication_state_filter(client, held_at_risk):
    rows = _csv_rows(client.get(reverse("public:person-list-csv"), {"publication_state": "draft"}))

    assert [r["Name"] for r in rows] == ["Criticus Secundus"]


def test_list_csv_neutralises_cells_a_spreadsheet_would_run(client, law):
    case = _published("Formula Undecimus")
    services.add_person_name(person=case.person, text="=HYPERLINK(1)", script=LATIN, kind=ALIAS)

    (row,) = _csv_rows(client.get(reverse("public:person-list-csv")))

    assert row["Other names"] == "'=HYPERLINK(1)"


def test_list_csv_headers_and_values_follow_the_page_language(client, held_at_risk):
    response = client.get(in_language(reverse("public:person-list-csv"), "ru"))

    (row,) = _csv_rows(response)

    assert row["Имя"] == "Рус Criticus Secundus"
    assert row["Риск смертной казни"] == "Критический риск"
    assert row["Статьи"] == "ч. 3 ст. 289"


def test_list_csv_is_an_attachment_with_the_public_headers(client, law):
    response = client.get(reverse("public:person-list-csv"))

    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert client.post(reverse("public:person-list-csv")).status_code == 405


def test_list_csv_with_invalid_filters_is_refused_not_the_whole_registry(client, held_at_risk):
    response = client.get(reverse("public:person-list-csv"), {"detained_after": "not a date"})

    assert response.status_code == 400
    assert "Criticus" not in response.content.decode()


def _csv_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("public:person-list-csv"))
        b"".join(response.streaming_content)
    return len(ctx)


def test_list_csv_uses_the_same_number_of_queries_for_1_and_many_people(client, held_at_risk):
    one = _csv_queries(client)
    for i in range(30):
        case = _published(f"Numerus {i:02d}", level="elevated")
        services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2))
        services.transfer_person(case=case, facility=FacilityFactory(), on=D(2022, 3, 3))
    many = _csv_queries(client)

    assert one == many


def test_list_csv_never_asks_for_a_column_the_public_role_withholds(client, held_at_risk):
    withheld = [
        f'"{model._meta.db_table}"."{model._meta.get_field(name).column}"'
        for model in PUBLIC_COLUMNS
        for name in withheld_fields(model)
    ] + [f'"{m._meta.db_table}"."{m._meta.get_field(n).column}"' for m, n in NEVER_GRANTED]

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("public:person-list-csv"))
        b"".join(response.streaming_content)

    assert {column for q in ctx for column in withheld if column in q["sql"]} == set()


def test_list_csv_rows_follow_the_lists_order(client, law):
    first = _published("Primus Publicatus")
    second = _published("Secundus Publicatus")
    Person.objects.filter(pk=first.person_id).update(
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    Person.objects.filter(pk=second.person_id).update(
        published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )

    rows = _csv_rows(client.get(reverse("public:person-list-csv")))

    assert [r["Name"] for r in rows] == ["Secundus Publicatus", "Primus Publicatus"]


@pytest.mark.postgres
def test_list_and_its_csv_work_through_the_public_reader_role(client, held_at_risk, public_alias):  # noqa: F811
    with CaptureQueriesContext(connections[PUBLIC_ALIAS]) as through_role:
        page = _get(client, reverse("public:person-list"), risk_level="at_risk")
        rows = _csv_rows(client.get(_csv_link(page)))

    assert len(through_role) > 0
    assert "Critical risk" in _row_of(page, "Criticus Secundus")
    assert [(r["Name"], r["Articles"], r["Place of detention"]) for r in rows] == [
        ("Criticus Secundus", "art. 289 part 3", "Synthetic SIZO No. 77")
    ]
