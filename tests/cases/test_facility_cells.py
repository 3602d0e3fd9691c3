"""A list's "prison" cell: read it, find the facility, propose one to review (issue 16, point 2).

The facilities and addresses here are invented (Вымысловск, postcodes 29xxxx), except in the
reading table, which holds the shapes real lists write.
"""

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import services
from cases.models import Facility
from cases.transfer.importing.facilities import (
    FacilityIndex,
    read_facility_cell,
    resolve_facility,
)
from tests.factories import FacilityFactory, UserFactory, jurisdiction

COLONY, SIZO, PRISON, OPEN, OTHER, TEMPORARY = "colony", "sizo", "prison", "open_type", "other", "ivs"

# Reading ----------------------------------------------------------------------------------------

MOGILEV = "г. Могилев, ул. Крупской, 100"
MOGILEV_ONE_LINE = "г. Могилев ул. Крупской 100"
MAHILIOU = "г. Магілёў, вул. Крупскай, 100"
MINSK = "г. Минск, ул. Володарского, 2"
ZHODINO = "г. Жодино, ул. Советская, 22а"
VITBA = "Витебская обл., Витебский р-н, пос. Витьба"

# cell -> (kind, number, postcode, address, place)
CELLS = [
    (f"ИК-15, 213105, {MOGILEV}", (COLONY, "15", "213105", MOGILEV, "Могилев")),
    ("ИК №15", (COLONY, "15", "", "", "")),
    ("ИК 15", (COLONY, "15", "", "", "")),
    ("ик15", (COLONY, "15", "", "", "")),
    ("Исправительная колония №15", (COLONY, "15", "", "", "")),
    ("исправительная колония № 15 (Могилёв)", (COLONY, "15", "", "", "Могилёв")),
    ("ИСПРАВИТЕЛЬНОЙ КОЛОНИИ № 15", (COLONY, "15", "", "", "")),
    ("ПК-15", (COLONY, "15", "", "", "")),
    ("Папраўчая калонія №15 (Магілёў)", (COLONY, "15", "", "", "Магілёў")),
    ("ЖИК-4", (COLONY, "4", "", "", "")),
    ("ИК-4 (Гомель)", (COLONY, "4", "", "", "Гомель")),
    ("Новополоцкая ИК-1", (COLONY, "1", "", "", "Новополоцкая")),
    ("ИК-2 Бобруйск", (COLONY, "2", "", "", "Бобруйск")),
    ("ИК-15 (общего режима)", (COLONY, "15", "", "", "")),
    ("колония №3", (COLONY, "3", "", "", "")),
    (f"СИЗО-1, 220030, {MINSK}", (SIZO, "1", "220030", MINSK, "Минск")),
    ("СИЗО №1 г. Минска", (SIZO, "1", "", "", "Минска")),
    ("Следственный изолятор №1", (SIZO, "1", "", "", "")),
    ("СІЗА №1", (SIZO, "1", "", "", "")),
    ("Следчы ізалятар № 1 (Мінск)", (SIZO, "1", "", "", "Мінск")),
    ("CИЗО-1", (SIZO, "1", "", "", "")),  # a Latin C typed inside a Cyrillic word
    ("СИЗО\u20111", (SIZO, "1", "", "", "")),  # a non-breaking hyphen
    (f"Тюрьма №8, 222160, {ZHODINO}", (PRISON, "8", "222160", ZHODINO, "Жодино")),
    ("Турма №8 (Жодзіна)", (PRISON, "8", "", "", "Жодзіна")),
    ("Жодинская тюрьма №8", (PRISON, "8", "", "", "Жодинская")),
    ("ИУОТ-12", (OPEN, "12", "", "", "")),
    ("исправительное учреждение открытого типа № 3", (OPEN, "3", "", "", "")),
    ("ЛТП-3", (OTHER, "3", "", "", "")),
    ("ИВС г. Минска", (TEMPORARY, "", "", "", "Минска")),
    ("Correctional colony No. 15, Mogilev", (COLONY, "15", "", "Mogilev", "Mogilev")),
    ("ПК-15\n213105, г. Магілёў\nвул. Крупскай, 100", (COLONY, "15", "213105", MAHILIOU, "Магілёў")),
    (f"ИК-15 213105 {MOGILEV_ONE_LINE}", (COLONY, "15", "213105", MOGILEV_ONE_LINE, "Могилев")),
    (f"ИК-3, {VITBA}", (COLONY, "3", "", VITBA, "Витьба")),
    (f"213105, {MOGILEV}", ("", "", "213105", MOGILEV, "Могилев")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CELLS, ids=[c[0][:40] for c in CELLS])
def test_read_facility_cell_reads_kind_number_postcode_address_and_town(text, expected):
    cell = read_facility_cell(text)

    assert (cell.kind, cell.number, cell.postcode, cell.address, cell.place) == expected


@pytest.mark.parametrize(
    ("text", "series", "regime"),
    [
        ("ИК-15 (усиленного режима)", "ИК", "reinforced"),
        ("Исправительная колония №15 строгого режима", "ИК", "strict"),
        ("Папраўчая калонія №15 агульнага рэжыму", "ИК", "general"),
        ("колония-поселение №3", "КП", "settlement"),
        ("Тюрьма №8", "Тюрьма", "prison"),
        ("ИУОТ-12", "ИУОТ", "open_type"),
        ("ИК-15", "ИК", ""),
    ],
)
def test_read_facility_cell_reads_the_series_and_the_regime(text, series, regime):
    cell = read_facility_cell(text)

    assert (cell.series, cell.regime) == (series, regime)


def test_read_facility_cell_keeps_a_cell_inside_the_facility_in_its_name():
    cell = read_facility_cell("ИК-15; ШИЗО")

    assert (cell.name, cell.address, cell.place) == ("ИК-15, ШИЗО", "", "")


def test_read_facility_cell_takes_no_abbreviation_for_a_town():
    assert read_facility_cell("Следственный изолятор № 1 ГУВД Мингорисполкома").place == ""


@pytest.mark.parametrize(
    ("text", "short_name", "language"),
    [
        ("ИК №15", "ИК-15", "ru"),
        ("Папраўчая калонія №15", "ИК-15", "be"),
        ("ПК-15", "ИК-15", "be"),
        ("Турма №8", "Тюрьма №8", "be"),
        ("следственный изолятор № 1", "СИЗО-1", "ru"),
        ("ИК-15 (Магілёў)", "ИК-15", "be"),
        ("Pre-trial detention centre No. 11", "СИЗО-11", "en"),
    ],
)
def test_read_facility_cell_gives_the_usual_short_form_and_the_language(text, short_name, language):
    cell = read_facility_cell(text)

    assert (cell.short_name, cell.language) == (short_name, language)


def test_read_facility_cell_keeps_the_postcode_where_the_list_wrote_it():
    cell = read_facility_cell("ИК-15, ул. Крупской, 100, 213105, г. Могилев")

    assert cell.postal_address == "ул. Крупской, 100, 213105, г. Могилев"
    assert cell.address == "ул. Крупской, 100, г. Могилев"


def test_read_facility_cell_takes_the_postcode_length_of_the_jurisdiction():
    cell = read_facility_cell("Prison No. 2, 12345, Springfield", postcode_digits=5)

    assert (cell.postcode, cell.address) == ("12345", "Springfield")


def test_read_facility_cell_does_not_take_a_house_number_for_a_postcode():
    cell = read_facility_cell("ИК-15, г. Могилев, ул. Крупской, 100")

    assert (cell.postcode, cell.address) == ("", "г. Могилев, ул. Крупской, 100")


def test_read_facility_cell_reports_a_second_place_of_detention():
    cell = read_facility_cell("СИЗО-1, ИК-15")

    assert (cell.kind, cell.number, cell.other_places) == (SIZO, "1", ("ИК-15",))


def test_read_facility_cell_reports_a_second_place_written_on_the_same_line():
    cell = read_facility_cell("СИЗО-1 → ИК-15")

    assert (cell.kind, cell.number, cell.other_places) == (SIZO, "1", ("ИК-15",))


def test_read_facility_cell_does_not_take_a_penalty_cell_for_a_pre_trial_centre():
    assert read_facility_cell("ИК-15, ШИЗО").other_places == ()


@pytest.mark.parametrize("text", ["", "   ", "неизвестно", "Невядома", None])
def test_read_facility_cell_reads_nothing_from_an_empty_or_unknown_cell(text):
    assert read_facility_cell(text).is_empty


@settings(derandomize=True, max_examples=300)
@given(st.text())
def test_read_facility_cell_never_raises_on_any_text(text):
    cell = read_facility_cell(text)

    assert isinstance(cell.name, str) and isinstance(cell.address, str)


PIECES = st.sampled_from(
    ["ИК", "СИЗО", "ПК", "тюрьма", "№", "-", " ", ",", "\n", "(", ")", "г.", "15", "213105", "ё", "і",
     "ул.", "Могилёв", "CИЗО", "колония", "ЖИК", "ИУОТ", "12345678", "«", "»", "\u00a0", "\u2011"]
)  # fmt: skip


@settings(derandomize=True, max_examples=300)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_read_facility_cell_never_raises_on_pieces_of_real_cells(text):
    cell = read_facility_cell(text)

    assert cell.postcode == "" or (len(cell.postcode) == 6 and cell.postcode.isdigit())
    assert cell.number == "" or cell.number.isdigit()


# Finding the facility ---------------------------------------------------------------------------


@pytest.fixture
def publisher(law):
    return UserFactory(groups=["Publisher"])


@pytest.fixture
def colony(law):
    return FacilityFactory(
        slug="vymyslovsk-colony-15",
        kind=COLONY,
        name_en="Correctional colony No. 15, Vymyslovsk",
        name_ru="Исправительная колония № 15",
        name_be="Папраўчая калонія № 15",
        short_name="ИК-15",
        other_names=["Вымысловская колония"],
        postcode="299015",
        postal_address="299015, г. Вымысловск, ул. Придуманная, 15",
    )


def _resolve(text, user=None):
    index = FacilityIndex(jurisdiction())
    return resolve_facility(index, text, jurisdiction=jurisdiction(), by=user)


@pytest.mark.parametrize(
    "text",
    [
        "ИК-15",
        "ИК №15",
        "ик 15",
        "ПК-15",
        "ЖИК-15",
        "Исправительная колония №15",
        "исправительная колония № 15 (Вымысловск)",
        "Папраўчая калонія № 15",
        "Correctional colony No. 15, Vymyslovsk",
        "вымысловская колония",
        "vymyslovsk-colony-15",
        "ИК-15, 299015, г. Вымысловск, ул. Придуманная, 15",
        "ПК-15\n299015, г. Вымыслаўск\nвул. Прыдуманая, 15",
    ],
)
def test_resolve_facility_links_every_form_of_a_known_facility(colony, text):
    facility, warning = _resolve(text)

    assert (facility, warning) == (colony, None)
    assert Facility.objects.count() == 1


def test_resolve_facility_links_by_kind_and_postcode_when_the_name_has_no_number(law):
    kgb = FacilityFactory(kind=SIZO, name_en="KGB pre-trial centre", name_ru="СИЗО КГБ", postcode="299050")

    facility, warning = _resolve("Следственный изолятор, 299050, г. Вымысловск, ул. Выдуманная, 3")

    assert (facility, warning) == (kgb, None)


def test_resolve_facility_proposes_an_unknown_facility_once_for_five_rows(law, publisher):
    index = FacilityIndex(jurisdiction())
    cells = [
        "ИК-22, 299022, г. Вымысловск, ул. Придуманная, 22",
        "ИК №22",
        "Исправительная колония № 22 (Вымысловск)",
        "ПК-22",
        "ИК-22, 299022, г. Вымысловск, ул. Придуманная, 22",
    ]

    results = [resolve_facility(index, text, jurisdiction=jurisdiction(), by=publisher) for text in cells]

    proposed = Facility.objects.get()
    assert [facility for facility, _ in results] == [proposed] * 5
    assert "proposed" in results[0][1]
    assert all("still to be confirmed" in warning for _, warning in results[1:])
    assert (proposed.needs_review, proposed.kind, proposed.short_name, proposed.postcode) == (
        True,
        COLONY,
        "ИК-22",
        "299022",
    )
    assert proposed.postal_address == "299022, г. Вымысловск, ул. Придуманная, 22"
    assert (proposed.name_ru, proposed.name_en) == ("ИК-22", "Correctional colony No. 22, Vymyslovsk")
    assert proposed.history.get().history_user == publisher


def test_resolve_facility_does_not_choose_between_two_facilities_with_one_short_form(law):
    FacilityFactory(kind=COLONY, name_en="Colony 1, Vymyslovsk", short_name="ИК-1", postcode="299001")
    FacilityFactory(kind=COLONY, name_en="Colony 1, Pridumansk", short_name="ИК-1", postcode="299101")

    facility, warning = _resolve("ИК-1")

    assert facility is None
    assert "Colony 1, Vymyslovsk" in warning and "Colony 1, Pridumansk" in warning
    assert "not recorded" in warning
    assert Facility.objects.count() == 2  # nothing proposed either


@pytest.mark.parametrize(
    "text", ["ИК-1, 299101, ул. Новая, 1", "ИК-1 (Придуманск)", "ИК-1, г. Придуманск, ул. Новая, 1"]
)
def test_resolve_facility_chooses_by_postcode_or_town_between_facilities_with_one_short_form(law, text):
    FacilityFactory(
        kind=COLONY, name_en="Colony 1, Vymyslovsk", short_name="ИК-1", postal_address="г. Вымысловск"
    )
    other = FacilityFactory(
        kind=COLONY,
        name_en="Colony 1, Pridumansk",
        short_name="ИК-1",
        postcode="299101",
        postal_address="299101, г. Придуманск, ул. Новая, 1",
    )

    facility, warning = _resolve(text)

    assert (facility, warning) == (other, None)


def test_resolve_facility_proposes_a_facility_whose_postcode_differs_and_names_the_near_one(colony):
    facility, warning = _resolve("ИК-15, 299999, г. Другой, ул. Иная, 1")

    assert facility != colony and facility.needs_review
    assert "proposed" in warning and "Correctional colony No. 15, Vymyslovsk" in warning
    assert "postcode differs" in warning


def test_resolve_facility_keeps_a_colony_settlement_apart_from_the_colony_of_its_number(law):
    colony = FacilityFactory(kind=COLONY, short_name="ИК-3")

    facility, warning = _resolve("колония-поселение №3")

    assert facility != colony and (facility.short_name, facility.regime) == ("КП-3", "settlement")
    assert "proposed" in warning


def test_resolve_facility_links_a_name_written_with_a_nickname_in_brackets(law):
    kgb = FacilityFactory(kind=SIZO, name_ru="СИЗО КГБ", postal_address="")

    assert _resolve("СИЗО КГБ (Американка)") == (kgb, None)


def test_resolve_facility_takes_a_nickname_in_belarus_for_no_other_town(law):
    sizo = FacilityFactory(
        kind=SIZO, short_name="СИЗО-1", postal_address="299001, г. Вымысловск, ул. Придуманная, 1"
    )

    assert _resolve("СИЗО-1 (Придумовка)") == (sizo, None)


def test_resolve_facility_proposes_a_russian_colony_of_another_town(law):
    russia = jurisdiction("RU")
    segezha = FacilityFactory(
        jurisdiction=russia, kind=COLONY, short_name="ИК-1", postal_address="г. Вымысловск, ул. Лесная, 1"
    )
    index = FacilityIndex(russia)

    same, _ = resolve_facility(index, "ИК-1 (Вымысловск)", jurisdiction=russia, by=None)
    other, warning = resolve_facility(index, "ИК-1 (Придуманск)", jurisdiction=russia, by=None)

    assert same == segezha
    assert other != segezha and other.needs_review and other.jurisdiction == russia
    assert "town differs" in warning


def test_resolve_facility_records_nothing_for_a_cell_naming_two_places(colony):
    facility, warning = _resolve("СИЗО-1, ИК-15")

    assert facility is None and "more than one place" in warning
    assert Facility.objects.count() == 1


@pytest.mark.parametrize("text", ["", "неизвестно"])
def test_resolve_facility_does_nothing_for_an_empty_cell(colony, text):
    assert _resolve(text) == (None, None)


def test_resolve_facility_proposes_again_after_the_row_that_proposed_was_rolled_back(law):
    index = FacilityIndex(jurisdiction())
    with pytest.raises(RuntimeError), transaction.atomic():
        resolve_facility(index, "ИК-33", jurisdiction=jurisdiction(), by=None)
        raise RuntimeError("the row failed")

    facility, warning = resolve_facility(index, "ИК-33", jurisdiction=jurisdiction(), by=None)

    assert Facility.objects.get() == facility
    assert "proposed" in warning


def test_resolve_facility_refuses_an_index_of_another_jurisdiction(law):
    with pytest.raises(ValueError):
        resolve_facility(FacilityIndex(jurisdiction("RU")), "ИК-1", jurisdiction=jurisdiction(), by=None)


def test_facility_index_is_built_with_one_query(law, django_assert_num_queries):
    facilities = [FacilityFactory() for _ in range(5)]
    by = jurisdiction()

    with django_assert_num_queries(1):
        index = FacilityIndex(by)
        found = [resolve_facility(index, f.name_ru, jurisdiction=by, by=None)[0] for f in facilities]

    assert found == facilities


# The services -----------------------------------------------------------------------------------


def test_propose_facility_keeps_a_belarusian_name_in_name_be(law, publisher):
    cell = read_facility_cell("Турма №8 (Вымыслаўск), 299008, г. Вымыслаўск, вул. Прыдуманая, 8")

    facility = services.propose_facility(jurisdiction=jurisdiction(), cell=cell, by=publisher)

    assert (facility.name_be, facility.name_ru) == ("Турма №8 (Вымыслаўск)", "")
    assert facility.name_en == "Prison No. 8, Vymyslawsk"
    assert (facility.kind, facility.short_name, facility.needs_review) == (PRISON, "Тюрьма №8", True)
    assert facility.postal_address == "299008, г. Вымыслаўск, вул. Прыдуманая, 8"


def test_propose_facility_gives_each_proposal_its_own_slug(law):
    cell = read_facility_cell("ИК-44")

    first = services.propose_facility(jurisdiction=jurisdiction(), cell=cell, by=None)
    second = services.propose_facility(jurisdiction=jurisdiction(), cell=cell, by=None)

    assert first.slug != second.slug


def test_confirm_facility_clears_the_review_flag_with_its_author(law, publisher):
    facility = services.propose_facility(
        jurisdiction=jurisdiction(), cell=read_facility_cell("ИК-45"), by=None
    )

    services.confirm_facility(facility=facility, by=publisher)

    facility.refresh_from_db()
    assert facility.needs_review is False
    assert facility.history.first().history_user == publisher
