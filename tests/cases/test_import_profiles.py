"""Import profiles as data: a list's own layout and words, kept and tested by Publishers (issue 16.1).

The layout below is the one the issue names: the status in the list's own words (current or
former political prisoner), a column holding a link to the recognition statement, and the
sentence split over two columns (the term in one, the kind and regime in another).
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from cases.models import Case, ImportProfile, ImportRun, KeptCell, Person
from cases.protection.permissions import EDITOR, PUBLISHER
from cases.transfer.importing import MAPPINGS, get_mapping, run_import
from cases.transfer.importing.mappings import Mapping, ProfileError, check_profile, install_shipped_profiles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_HEADER = [
    "id", "url", "name", "status", "birthday", "gender", "arrested", "articles", "verdict_date", "decision",
    "penalty", "judge", "prosecutor", "court", "prison", "declaration", "release_date", "died",
]  # fmt: skip


def list_row(**values) -> dict:
    base = {
        "id": "5001",
        "url": "https://list.example.org/prisoner/5001",
        "name": "Выдуманы Янка",
        "status": "current political prisoner",
        "birthday": "1990",
        "gender": "male",
        "arrested": "2021",
        "articles": "ч. 1 ст. 342",
        "verdict_date": "05.2022",
        "decision": "колония общего режима",
        "penalty": "3 года",
        "declaration": "https://list.example.org/declarations/5001",
    }
    base.update(values)
    return base


def csv_bytes(rows, header=LIST_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return out.getvalue().encode()


def do_import(data, mapping=None, **kwargs):
    return run_import(data, file_name="list.csv", mapping=mapping or MAPPINGS["prisoners-list"], **kwargs)


# The shipped list profile on the list's own layout ---------------------------------------------


def test_list_in_its_own_words_arrives_whole(law):
    former = list_row(id="5002", url="", name="Выдуманая Алеся", status="former political prisoner")
    rows = [list_row(), {**former, "gender": "female", "release_date": "12.2023"}]

    report = do_import(csv_bytes(rows))

    assert report.state == "imported", report.lines()
    assert (report.created, report.rejected) == (2, 0)
    held = Case.objects.get(person__external_ids__value="5001")
    assert held.status == "convicted"  # "current" with a verdict: held as convicted
    assert (held.sentence_kind, held.sentence_years, held.sentence_regime) == (
        "deprivation_of_liberty",
        3,
        "general",
    )
    assert held.recognition_statement_url == "https://list.example.org/declarations/5001"
    assert held.recognised_by == "political-prisoner list"
    released = Case.objects.get(person__external_ids__value="5002")
    assert released.status == "released"
    assert released.events.get(kind="released").date_precision == "month"


def test_current_prisoner_without_a_verdict_is_detained(law):
    report = do_import(csv_bytes([list_row(verdict_date="", decision="", penalty="")]))

    assert report.state == "imported", report.lines()
    assert Case.objects.get().status == "detained"


def test_detention_known_to_the_year_keeps_its_precision_and_gives_a_release_range(law):
    do_import(csv_bytes([list_row()]))

    case = Case.objects.get()
    assert (case.detention_date, case.detention_date_precision) == (datetime.date(2021, 1, 1), "year")
    assert (case.verdict_date, case.verdict_date_precision) == (datetime.date(2022, 5, 1), "month")
    assert case.expected_release_period == (datetime.date(2023, 12, 31), datetime.date(2024, 12, 30))
    assert case.events.get(kind="detained").date_precision == "year"


def test_a_column_the_profile_lacks_is_kept_verbatim_with_the_run(law):
    header = LIST_HEADER + ["примечание"]
    report = do_import(csv_bytes([list_row(**{"примечание": "передачи принимают по средам"})], header=header))

    assert report.state == "imported", report.lines()
    cell = KeptCell.objects.get()
    assert (cell.column, cell.text, cell.reason) == ("примечание", "передачи принимают по средам", "unmapped")
    assert cell.person == Person.objects.get() and cell.run_id == report.import_run_id
    assert any(w.column == "примечание" and "kept verbatim" in w.reason for w in report.warnings)


def test_kept_cells_are_encrypted_at_rest(law):
    from django.db import connection

    header = LIST_HEADER + ["contacts"]
    do_import(csv_bytes([list_row(contacts="mother +375 29 000 00 00")], header=header))

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_keptcell")
        (stored,) = cursor.fetchone()
    assert "+375" not in stored and "mother" not in stored


def test_the_same_file_twice_changes_nothing_the_second_time(law):
    data = csv_bytes([list_row(), list_row(id="5002", url="", status="former", release_date="2023")])
    do_import(data)
    before = (Person.history.count(), Case.history.count())

    again = do_import(data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2), again.lines()
    assert (Person.history.count(), Case.history.count()) == before


def test_dry_run_shows_every_column_with_what_it_was_read_as(law):
    header = LIST_HEADER + ["note"]
    rows = [list_row(note="x"), list_row(id="5002", url="", status="former")]
    report = do_import(csv_bytes(rows, header=header), dry_run=True)

    columns = {c["column"]: c for c in report.columns}
    assert list(columns) == header
    assert columns["status"]["readings"] == {
        "current political prisoner": "held: by the verdict",
        "former": "released",
    }
    assert columns["declaration"]["field"] == "recognition_statement"
    assert columns["note"]["field"] == "" and "kept verbatim" in columns["note"]["summary"]
    assert columns["decision"]["field"] == columns["penalty"]["field"] == "sentence"
    assert ImportRun.objects.get().report["columns"] == report.columns
    assert Person.objects.count() == 0 and KeptCell.objects.count() == 0


# Profiles are data ---------------------------------------------------------------------------


RUSSIAN_LAYOUT = {
    "id_scheme": "our-list",
    "recognised_by": "Our centre",
    "columns": {
        "№": "external_id",
        "ФИО": "name",
        "Положение": "status",
        "Задержан": "detention_date",
        "Статьи": "articles",
        "Срок": "sentence",
        "Вид наказания": "sentence",
        "Приговор": "verdict_date",
        "Признан": "recognised",
        "Комментарий": "-",
    },
    "vocabulary": {
        "status": {"за решёткой": "held", "на воле": "released"},
        "sentence_kind": {"химия": "restriction_of_freedom"},
        "recognition": {"признан правозащитниками": "yes"},
    },
}


def test_a_profile_saved_in_the_admin_reads_its_own_layout_and_words(law):
    ImportProfile.objects.create(code="our-list", label="Our list", config=RUSSIAN_LAYOUT)
    header = list(RUSSIAN_LAYOUT["columns"])
    row = {
        "№": "17", "ФИО": "Выдуманы Пятро", "Положение": "за решеткой", "Задержан": "03.2021",
        "Статьи": "ч.2 ст.342", "Срок": "2 года", "Вид наказания": "химия", "Приговор": "2021",
        "Признан": "признан правозащитниками", "Комментарий": "адвокат сменился",
    }  # fmt: skip

    report = do_import(csv_bytes([row], header=header), mapping=get_mapping("our-list"))

    assert report.state == "imported", report.lines()
    case = Case.objects.get()
    assert (case.status, case.sentence_kind, case.sentence_years) == (
        "convicted",
        "restriction_of_freedom",
        2,
    )
    assert case.recognised_by == "Our centre"
    assert KeptCell.objects.get().text == "адвокат сменился"
    assert ImportRun.objects.get().profile_config["vocabulary"]["sentence_kind"] == {
        "химия": "restriction_of_freedom"
    }


def test_a_saved_profile_takes_the_place_of_the_shipped_one_of_the_same_code(law):
    install_shipped_profiles()
    profile = ImportProfile.objects.get(code="prisoners-list")
    profile.config["vocabulary"]["status"]["на свабодзе"] = "released"
    profile.save()

    assert get_mapping("prisoners-list").word("status", "На свабодзе") == "released"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"columns": {"ФИО": "full_name"}}, "not a field"),
        ({"columns": {"ФИО": "name", "Имя": "name"}}, "only"),
        ({"vocabulary": {"status": {"сидит": "in_jail"}}}, "maps to 'in_jail'"),
        ({"vocabulary": {"colour": {}}}, "vocabulary 'colour' is unknown"),
        ({"id_scheme": "url"}, "id_scheme cannot be 'url'"),
        ({"required": ["court"]}, "court is required but no column feeds it"),
        ({"extra": 1}, "unknown keys"),
    ],
)
def test_a_profile_with_a_mistake_is_refused_with_a_sentence_that_names_it(change, words):
    config = {**RUSSIAN_LAYOUT, **change}

    problems = check_profile(config)

    assert any(words in problem for problem in problems), problems
    with pytest.raises(ProfileError):
        Mapping.from_config(code="x", label="x", config=config)


def test_every_shipped_profile_is_valid_and_installed_once(law):
    assert set(MAPPINGS) >= {"prisoners-list", "registry"}

    assert set(install_shipped_profiles()) == set(MAPPINGS)
    assert install_shipped_profiles() == []
    assert ImportProfile.objects.filter(is_shipped=True).count() == len(MAPPINGS)


# The admin -----------------------------------------------------------------------------------


def _profile_form(config, **extra):
    import json

    return {"code": "our-list", "label": "Our list", "description": "", "config": json.dumps(config), **extra}


def test_publisher_saves_a_profile_and_tests_it_on_a_file(client, law):
    client.force_login(UserFactory(groups=[PUBLISHER]))
    header = list(RUSSIAN_LAYOUT["columns"])
    upload = io.BytesIO(
        csv_bytes([{"№": "1", "ФИО": "Выдуманы Пятро", "Положение": "на воле"}], header=header)
    )
    upload.name = "ours.csv"

    response = client.post(
        reverse("admin:cases_importprofile_add"),
        _profile_form(RUSSIAN_LAYOUT, test_file=upload, test_jurisdiction="BY"),
    )

    content = response.content.decode()
    assert response.status_code == 200, content[:2000]
    assert "Dry run of ours.csv" in content
    assert "“на воле” → released" in content
    assert ImportProfile.objects.get(code="our-list").history.count() == 1
    assert Person.objects.count() == 0
    assert ImportRun.objects.get().state == "dry_run"


def test_a_test_file_over_the_admin_row_limit_says_so_and_writes_nothing(client, law, settings):
    settings.IMPORT_ADMIN_MAX_ROWS = 2
    client.force_login(UserFactory(groups=[PUBLISHER]))
    header = list(RUSSIAN_LAYOUT["columns"])
    rows = [{"№": str(n), "ФИО": "Выдуманы Пятро", "Положение": "на воле"} for n in range(1, 4)]
    upload = io.BytesIO(csv_bytes(rows, header=header))
    upload.name = "ours.csv"

    response = client.post(
        reverse("admin:cases_importprofile_add"),
        _profile_form(RUSSIAN_LAYOUT, test_file=upload, test_jurisdiction="BY"),
    )

    assert "The test file has more than 2 rows" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert Person.objects.count() == 0


def test_a_profile_with_a_mistake_is_not_saved_and_the_form_says_why(client, law):
    client.force_login(UserFactory(groups=[PUBLISHER]))

    response = client.post(
        reverse("admin:cases_importprofile_add"),
        _profile_form({**RUSSIAN_LAYOUT, "columns": {"ФИО": "full_name"}}),
    )

    assert response.status_code == 200
    assert "which is not a field" in response.content.decode()
    assert not ImportProfile.objects.exists()


def test_editor_cannot_change_import_profiles(client, law):
    client.force_login(UserFactory(groups=[EDITOR]))

    response = client.post(reverse("admin:cases_importprofile_add"), _profile_form(RUSSIAN_LAYOUT))

    assert response.status_code == 403
    assert not ImportProfile.objects.exists()


def test_import_page_offers_saved_profiles(client, law):
    ImportProfile.objects.create(code="our-list", label="Our list", config=RUSSIAN_LAYOUT)
    client.force_login(UserFactory(groups=[PUBLISHER]))

    content = client.get(reverse("admin:cases_importrun_import")).content.decode()

    assert 'value="our-list"' in content and 'value="prisoners-list"' in content


def test_an_uncertain_reading_of_the_articles_goes_to_review_with_the_cell_quoted(law):
    from cases.models import ChargeToReview

    report = do_import(csv_bytes([list_row(articles="ст. 14 ч. 1 ст. 289, ч. 1 ст. 342")]))

    assert report.state == "imported", report.lines()
    case = Case.objects.get()
    review = ChargeToReview.objects.get(case=case)
    assert "ст. 14 ч. 1 ст. 289, ч. 1 ст. 342" in review.reason
    assert not case.charges.filter(article__number="289").exists()  # never stored as one reading
    assert case.charges.filter(article__number="342", article__part="1").exists()


def test_a_row_whose_facts_contradict_each_other_is_imported_with_a_warning_and_a_flag(law):
    from cases.models import Contradiction

    report = do_import(csv_bytes([list_row(arrested="03.11.2021", release_date="01.06.2021")]))

    assert report.state == "imported", report.lines()
    assert any("contradiction" in w.reason and "before the detention" in w.reason for w in report.warnings)
    flag = Contradiction.objects.get(kind="release_before_detention")
    assert flag.case == Case.objects.get() and flag.resolved_at is None


def test_a_bulk_import_flags_contradictions_too(law):
    from cases.models import Contradiction

    rows = [list_row(id=str(6000 + n), url="", arrested="03.11.2021") for n in range(25)]
    rows[3]["release_date"] = "01.06.2021"

    report = do_import(csv_bytes(rows))

    assert report.created == 25, report.lines()
    flag = Contradiction.objects.get()
    assert flag.kind == "release_before_detention" and flag.import_run_id == report.import_run_id


def test_a_profile_says_whether_its_dates_are_day_or_month_first(law):
    config = {**RUSSIAN_LAYOUT, "date_order": "MDY"}
    ImportProfile.objects.create(code="us-list", label="US list", config=config)
    header = list(RUSSIAN_LAYOUT["columns"])
    row = {"№": "9", "ФИО": "Выдуманы Пятро", "Положение": "на воле", "Задержан": "11/03/2021"}

    do_import(csv_bytes([row], header=header), mapping=get_mapping("us-list"))

    assert Case.objects.get().detention_date == datetime.date(2021, 11, 3)
    assert "date_order" in " ".join(check_profile({**RUSSIAN_LAYOUT, "date_order": "YMD"}))


def test_rows_are_matched_and_written_a_chunk_at_a_time_with_the_file_checked_as_a_whole(law, monkeypatch):
    from cases.transfer.importing import importer

    monkeypatch.setattr(importer, "MATCH_CHUNK", 3)
    header = LIST_HEADER + ["note"]
    rows = [list_row(id=str(7000 + n), url="", note=f"n{n}") for n in range(8)]
    rows[7]["id"] = "7001"  # the same identifier as row 3, two chunks later

    refused = do_import(csv_bytes(rows, header=header))
    rows[7]["id"] = "7007"
    first = do_import(csv_bytes(rows, header=header))
    again = do_import(csv_bytes(rows, header=header))

    assert refused.state == "refused"
    assert any(p.row == 9 and "the same identifier as row 3" in p.reason for p in refused.problems)
    assert (first.created, again.unchanged, again.updated) == (8, 8, 0)
    kept = KeptCell.objects.filter(run_id=first.import_run_id)
    assert {(c.text, c.person.external_ids.get().value) for c in kept} == {
        (f"n{n}", str(7000 + n)) for n in range(8)
    }
