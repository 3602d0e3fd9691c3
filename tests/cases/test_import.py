"""Spreadsheet import: the prisoners-list layout end to end, dry runs, refusals with a precise
report, idempotent re-imports, reclassification, charges to review, identifier matching, formula
cells, CSV and XLSX, the admin flow and the management command. Every name here is invented."""

import csv
import datetime
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases import choices
from cases.models import (
    Case,
    CaseEvent,
    ChargeToReview,
    ExternalIdentifier,
    FacilityStay,
    ImportRun,
    KeptCell,
    Person,
    Reclassification,
)
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from cases.transfer.importing import MAPPINGS, TooManyRows, UnreadableFile, run_import
from cases.transfer.importing.cells import CellProblem, name_script, read_sentence, read_status
from tests.factories import FacilityFactory, PersonFactory, UserFactory, article

pytestmark = pytest.mark.django_db

HEADER = [
    "id", "url", "name", "status", "birthday", "gender", "arrested", "articles", "verdict_date", "decision",
    "penalty", "judge", "prosecutor", "prison", "declaration", "release_date", "died",
]  # fmt: skip
PRISONERS = MAPPINGS["prisoners-list"]


def row(**values) -> dict:
    base = {
        "id": "101",
        "url": "https://list.example.org/p/101",
        "name": "Клыбачэнка Дзмітрый",
        "status": "осужден",
        "birthday": "11.1986",
        "gender": "м",
        "arrested": "03.11.2021",
        "articles": "ч. 1 ст. 342",
        "verdict_date": "15.03.2022",
        "decision": "приговор вступил в силу",
        "penalty": "3 года колонии общего режима",
        "judge": "Судья Выдуманы",
        "prosecutor": "Пракурор Выдуманы",
        "prison": "",
        "declaration": "20.11.2021",
        "release_date": "",
        "died": "",
    }
    base.update(values)
    return base


def csv_bytes(rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_bytes(rows, tmp_path: Path, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h) if r.get(h) != "" else None for h in header])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    return path.read_bytes()


def do_import(data, **kwargs):
    kwargs.setdefault("mapping", PRISONERS)
    kwargs.setdefault("file_name", "list.csv")
    return run_import(data, **kwargs)


def problem_at(report, row_number, column):
    return [p for p in report.problems if p.row == row_number and p.column == column]


# Cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Клыбачэнка Дзмітрый", ("be_cyrl", "official_be")),
        ("Клыбачэнка Аляксандр", ("ru_cyrl", "official_ru")),  # no і, ў or apostrophe: read as Russian
        ("Зарамбоўскі Ігар", ("be_cyrl", "official_be")),
        ("Клыбаченко Александр", ("ru_cyrl", "official_ru")),
        ("Klybachenka Dzmitry", ("latin", "other_latin")),
    ],
)
def test_name_script_follows_the_letters(text, expected):
    assert name_script(text) == expected


def test_name_script_refuses_mixed_scripts():
    with pytest.raises(CellProblem):
        name_script("Клыбачэнка Aliaksandr")


@pytest.mark.parametrize(
    ("text", "kind", "years", "months", "regime"),
    [
        ("3 года колонии общего режима", "deprivation_of_liberty", 3, None, "general"),
        ("5 лет", "deprivation_of_liberty", 5, None, ""),
        ("2 г. 6 мес. колонии усиленного режима", "deprivation_of_liberty", 2, 6, "reinforced"),
        ("1,5 года ограничения свободы, учреждение открытого типа", "restriction_of_freedom", 1, 6,
         "open_type"),
        ("18 месяцев", "deprivation_of_liberty", 1, 6, ""),
        ("штраф", "fine", None, None, ""),
        ("пожизненное лишение свободы", "life", None, None, ""),
    ],
)  # fmt: skip
def test_sentence_words_are_read(text, kind, years, months, regime):
    sentence = read_sentence(text)
    assert (sentence.kind, sentence.years, sentence.months, sentence.regime) == (kind, years, months, regime)


@pytest.mark.parametrize("text", ["условно", "колония", "домашний арест"])
def test_sentence_without_a_readable_term_is_a_problem(text):
    with pytest.raises(CellProblem):
        read_sentence(text)


def test_status_in_prison_depends_on_the_verdict():
    assert read_status("в заключении", has_verdict=True) == "convicted"
    assert read_status("в заключении", has_verdict=False) == "detained"
    assert read_status("Освобождён", has_verdict=False) == "released"
    with pytest.raises(CellProblem):
        read_status("неизвестно что", has_verdict=False)


# The prisoners-list layout end to end ---------------------------------------------------------


def test_prisoners_list_row_creates_person_case_charges_and_identifiers(law):
    facility = FacilityFactory(name_ru="СИЗО № 1, г. Минск")
    report = do_import(csv_bytes([row(prison="сизо № 1, г. Минск")]))

    assert report.state == "imported", report.lines()
    assert (report.created, report.updated, report.rejected) == (1, 0, 0)
    person = Person.objects.get(external_ids__scheme="prisoners-list", external_ids__value="101")
    assert person.primary_name.text == "Клыбачэнка Дзмітрый"
    assert person.primary_name.script == "be_cyrl"
    assert (person.sex, person.birth_date, person.birth_date_precision) == (
        "male",
        datetime.date(1986, 11, 1),
        "month",
    )
    assert ExternalIdentifier.objects.filter(person=person, scheme="url").exists()
    case = person.cases.get()
    assert case.status == "convicted"
    assert case.detention_date == datetime.date(2021, 11, 3)
    assert case.verdict_date == datetime.date(2022, 3, 15)
    assert (case.sentence_kind, case.sentence_years, case.sentence_regime) == (
        "deprivation_of_liberty",
        3,
        "general",
    )
    assert (case.judge, case.prosecutor) == ("Судья Выдуманы", "Пракурор Выдуманы")
    assert case.recognised_on == datetime.date(2021, 11, 20)
    assert [c.article for c in case.charges.all()] == [article("342.1")]
    assert case.stays.get().facility == facility
    run = ImportRun.objects.get(pk=report.import_run_id)
    assert (run.state, run.created, run.rows) == ("imported", 1, 1)
    assert "Клыбачэнка" not in str(run.report)  # the report never holds names
    assert "Клыбачэнка" not in str(list(run.lines.values_list("column", "text")))


def test_attempt_notation_becomes_the_charge_stage(law):
    do_import(csv_bytes([row(articles="ч. 1 ст. 14, ч. 3 ст. 289")]))
    charge = Case.objects.get().charges.get()
    assert (charge.article, charge.stage) == (article("289.3"), "attempt")


def test_release_and_death_become_events_and_status(law):
    do_import(
        csv_bytes([row(status="", release_date="01.2024"), row(id="102", url="", status="", died="2023")])
    )
    released = Case.objects.get(person__external_ids__value="101")
    assert released.status == "released"
    assert released.events.filter(kind="released", date=datetime.date(2024, 1, 1)).exists()
    died = Case.objects.get(person__external_ids__value="102")
    assert died.status == "died_in_custody"
    assert died.events.filter(kind="died").exists()


def test_unknown_facility_and_text_declaration_are_warnings(law):
    report = do_import(csv_bytes([row(prison="Невядомая турма", declaration="признан")]))
    assert report.state == "imported"
    reasons = {(w.column, w.reason.split(":")[0]) for w in report.warnings}
    assert ("prison", "no facility matches 'Невядомая турма'") in reasons
    assert ("declaration", "the cell is not a link") in reasons
    assert KeptCell.objects.get(column="declaration").text == "признан"
    stay = FacilityStay.objects.get()  # held in a facility proposed for a Publisher to confirm
    assert stay.facility.needs_review and "Невядомая турма" in (stay.facility.name_be, stay.facility.name_ru)


# Dry run and refusal --------------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(law):
    report = do_import(csv_bytes([row(), row(id="102", url="")]), dry_run=True)

    assert report.state == "dry_run"
    assert (report.created, report.rejected) == (2, 0)
    assert Person.objects.count() == 0 and Case.objects.count() == 0
    assert ExternalIdentifier.objects.count() == 0
    assert ImportRun.objects.get().state == "dry_run"


def test_bad_rows_refuse_the_file_with_row_column_and_reason(law):
    rows = [
        row(),  # row 2: clean
        row(id="103", url="", name=""),  # row 3: empty name
        row(id="104", url="", judge='=HYPERLINK("http://evil.example","x")'),  # row 4: formula
        row(id="105", url="", prosecutor="+cmd|' /C calc'!A0"),  # row 5: formula
        row(id="107", url="", articles="ст. 999"),  # row 6: unknown article: a warning only
    ]
    report = do_import(csv_bytes(rows))

    assert report.state == "refused"
    assert problem_at(report, 3, "name")[0].reason == "the name is empty"
    assert "formula" in problem_at(report, 4, "judge")[0].reason
    assert "formula" in problem_at(report, 5, "prosecutor")[0].reason
    assert not problem_at(report, 6, "articles")
    assert any(w.row == 6 and "ст. 999" in w.reason and "review" in w.reason for w in report.warnings)
    assert "row 3, column name: " in "\n".join(report.lines())
    assert Person.objects.count() == 0 and ChargeToReview.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.state == "refused"
    assert (3, "name", "the name is empty") in run.lines.filter(kind="problem").values_list(
        "row", "column", "text"
    )
    assert "HYPERLINK" not in str(run.report)  # the cell itself is not kept
    assert not run.lines.filter(text__contains="HYPERLINK").exists()


def test_values_the_profile_does_not_know_are_warnings_and_their_cells_are_kept(law):
    rows = [
        row(id="102", url="", birthday="31.02.1990"),  # row 2: no such day
        row(id="106", url="", arrested="завтра"),  # row 3: not a date
        row(id="108", url="", status="непонятно"),  # row 4: unknown status
        row(id="109", url="", penalty="условно", decision=""),  # row 5: unreadable sentence
    ]
    report = do_import(csv_bytes(rows, header=HEADER + ["nickname"]))

    assert report.state == "imported", report.lines()
    assert (report.created, report.rejected) == (4, 0)
    warned = {(w.row, w.column) for w in report.warnings}
    expected = {(1, "nickname"), (2, "birthday"), (3, "arrested"), (4, "status"), (5, "decision + penalty")}
    assert expected <= warned
    kept = {(c.row, c.column): c.text for c in KeptCell.objects.all()}
    assert kept[(2, "birthday")] == "31.02.1990"
    assert kept[(3, "arrested")] == "завтра"
    assert kept[(4, "status")] == "непонятно"
    assert kept[(5, "decision + penalty")] == "условно"
    assert Person.objects.get(external_ids__value="102").birth_date is None
    assert Case.objects.get(person__external_ids__value="106").detention_date is None


def test_rows_without_problems_are_imported_when_not_all_or_nothing(law):
    report = do_import(csv_bytes([row(), row(id="102", url="", name="")]), all_or_nothing=False)
    assert report.state == "imported"
    assert (report.created, report.rejected) == (1, 1)
    assert Person.objects.count() == 1


def test_a_service_refusal_is_a_problem_of_its_row(law):
    report = do_import(csv_bytes([row(verdict_date="", penalty="5 лет")]))
    assert report.state == "refused"
    assert problem_at(report, 2, "verdict_date")
    assert Person.objects.count() == 0


def test_verdict_before_detention_is_a_problem(law):
    report = do_import(csv_bytes([row(verdict_date="01.01.2021")]))
    assert problem_at(report, 2, "verdict_date")[0].reason == "the verdict date is before the detention date"


def test_negative_number_and_date_cells_are_not_formulas(law, tmp_path):
    data = xlsx_bytes([row(id=-5, url="", arrested=datetime.datetime(2021, 11, 3))], tmp_path)
    report = do_import(data, file_name="list.xlsx")
    assert report.state == "imported", report.lines()
    assert ExternalIdentifier.objects.filter(scheme="prisoners-list", value="-5").exists()


def test_xlsx_formula_cell_is_refused(law, tmp_path):
    data = xlsx_bytes([row(name="=CONCATENATE(A1,B1)")], tmp_path)
    report = do_import(data, file_name="list.xlsx")
    assert report.state == "refused"
    assert problem_at(report, 2, "name")[0].reason == "a formula is refused: paste the value instead"


# Re-imports -----------------------------------------------------------------------------------


def _counts():
    return (
        Person.history.count(),
        Case.history.count(),
        CaseEvent.objects.count(),
        Reclassification.objects.count(),
        ChargeToReview.objects.count(),
        ExternalIdentifier.objects.count(),
    )


def test_clean_reimport_changes_nothing(law):
    facility = FacilityFactory()
    data = csv_bytes(
        [
            row(prison=facility.name_en, articles="ч. 1 ст. 342; ст. 999"),
            row(id="102", url="", release_date="2024"),
        ]
    )
    do_import(data)
    before = _counts()

    report = do_import(data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2), report.lines()
    assert _counts() == before


def test_changed_article_becomes_a_reclassification(law):
    do_import(csv_bytes([row()]))
    on = datetime.date(2024, 5, 6)

    report = do_import(csv_bytes([row(articles="ч. 2 ст. 293")]), file_name="list-v2.csv", reclassified_on=on)

    assert report.updated == 1
    case = Case.objects.get()
    old = case.charges.get(article=article("342.1"))
    assert old.state == "reclassified"
    assert old.reclassified_into.article == article("293.2")
    reclassification = Reclassification.objects.get()
    assert reclassification.date == on
    assert "list-v2.csv" in reclassification.note and "row 2" in reclassification.note
    # The list is the source: the same one its rows' claims cite, with the file named in the note.
    assert reclassification.source.import_list == PRISONERS.code
    assert reclassification.source.confidential
    assert case.events.filter(kind="reclassified", date=on).exists()
    assert "reclassified art. 342 part 1 → art. 293 part 2" in report.outcomes[0].changes


def test_unknown_article_is_kept_for_review_once(law):
    report = do_import(csv_bytes([row(articles="ч. 1 ст. 342, ст. 999; ст. 342")]))
    assert report.state == "imported"
    reviews = ChargeToReview.objects.order_by("text")
    assert [r.text for r in reviews] == ["ст. 342", "ст. 999"]
    assert "not in the law data" in reviews[1].reason
    assert "gives no part" in reviews[0].reason
    assert reviews[0].import_run_id == report.import_run_id
    do_import(csv_bytes([row(articles="ч. 1 ст. 342, ст. 999; ст. 342")]))
    assert ChargeToReview.objects.count() == 2


def test_reimport_matches_by_external_id_not_by_name(law):
    do_import(csv_bytes([row()]))

    report = do_import(csv_bytes([row(name="Klybachenka Dzmitry", status="освобожден")]))

    assert report.updated == 1
    person = Person.objects.get()
    assert {n.text for n in person.names.all()} == {"Клыбачэнка Дзмітрый", "Klybachenka Dzmitry"}
    assert person.primary_name.text == "Клыбачэнка Дзмітрый"
    assert person.cases.get().status == "released"


def test_url_alone_matches_on_reimport(law):
    do_import(csv_bytes([row(id="")]))
    report = do_import(csv_bytes([row(id="", judge="Іншы Суддзя")]))
    assert report.updated == 1 and Person.objects.count() == 1


def test_same_name_without_identifier_match_is_a_possible_duplicate_not_a_merge(law):
    PersonFactory(names=[("Клыбачэнка Дзмітрый", "be_cyrl", "official_be", True)])
    report = do_import(csv_bytes([row()]))
    assert report.created == 1
    assert Person.objects.count() == 2
    assert any("possible duplicate" in w.reason for w in report.warnings)


def test_same_identifier_twice_in_a_file_is_a_problem(law):
    report = do_import(csv_bytes([row(), row(url="")]))
    assert problem_at(report, 3, "id")[0].reason == "the same identifier as row 2"


# Files ----------------------------------------------------------------------------------------


def test_xlsx_and_csv_import_the_same(law, tmp_path):
    xlsx = do_import(xlsx_bytes([row()], tmp_path), file_name="list.xlsx")
    assert xlsx.created == 1
    semicolon = do_import(csv_bytes([row()], delimiter=";", bom=True))
    assert (semicolon.created, semicolon.updated, semicolon.unchanged) == (0, 0, 1), semicolon.lines()


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 \x00\x01binary", "id,name\n1,Клыбач\n".encode("cp1251"), b"", b"PK\x03\x04broken zip"],
)
def test_unreadable_file_raises_a_clear_error(law, data):
    with pytest.raises(UnreadableFile):
        do_import(data)


def test_an_import_gives_the_garbage_collector_back_as_it_found_it_even_when_it_fails(law):
    import gc

    thresholds = gc.get_threshold()
    run_import(csv_bytes([row()]), file_name="list.csv", mapping=PRISONERS)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds
    with pytest.raises(TooManyRows):  # found while the rows are read, inside the run
        run_import(csv_bytes([row(), row(id="102")]), file_name="list.csv", mapping=PRISONERS, max_rows=1)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


# The management command -----------------------------------------------------------------------


def test_command_imports_and_prints_the_report(law, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([row()]))
    out = io.StringIO()
    call_command("import_people", str(path), "--mapping", "prisoners-list", stdout=out)
    assert "Imported: list.csv" in out.getvalue() and "1 created" in out.getvalue()
    assert Person.objects.count() == 1


def test_command_imports_a_file_as_the_word_of_the_source_named(law, tmp_path):
    from cases.models import Claim
    from tests.factories import SourceFactory

    sender = SourceFactory(title="Synthetic sender")
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([row()]))

    call_command("import_people", str(path), "--mapping", "prisoners-list", "--source", str(sender.public_id))

    assert set(Claim.objects.values_list("source", flat=True)) == {sender.pk}


def test_command_refuses_a_source_it_does_not_know(law, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([row()]))
    with pytest.raises(CommandError, match="No source with the public id"):
        call_command(
            "import_people",
            str(path),
            "--mapping",
            "prisoners-list",
            "--source",
            "0" * 8 + "-0000-0000-0000-" + "0" * 12,
        )
    with pytest.raises(CommandError, match="a UUID"):
        call_command("import_people", str(path), "--mapping", "prisoners-list", "--source", "lawyer")
    assert Person.objects.count() == 0


def test_command_exits_non_zero_when_refused(law, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([row(name="")]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_people", str(path), "--mapping", "prisoners-list", stdout=out)
    assert exit_info.value.code == 1
    assert "row 2, column name: the name is empty" in out.getvalue()


def test_command_dry_run_writes_nothing(law, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([row()]))
    out = io.StringIO()
    call_command("import_people", str(path), "--mapping", "prisoners-list", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and Person.objects.count() == 0


def test_command_reports_an_unreadable_file_without_a_traceback(law, tmp_path):
    path = tmp_path / "list.pdf"
    path.write_bytes(b"%PDF-1.4 \x00\x00")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_people", str(path), "--mapping", "prisoners-list", stderr=err)
    assert exit_info.value.code == 2
    assert "not a CSV or XLSX file" in err.getvalue()


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def publisher_client(client, law):
    client.force_login(UserFactory(groups=[PUBLISHER]))
    return client


def _upload(client, data, name="list.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("admin:cases_importrun_import"),
        {"file": upload, "mapping": "prisoners-list", "jurisdiction": "BY", "reclassified_on": "2024-05-06"},
    )


def test_admin_upload_shows_the_dry_run_then_confirm_imports(publisher_client):
    data = csv_bytes([row(), row(id="102", url="", articles="ст. 999")])
    response = _upload(publisher_client, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 would be created" in content
    assert "ст. 999" in content  # the warning about the unknown article
    assert Person.objects.count() == 0
    assert ImportRun.objects.get().state == "dry_run"
    sha256 = hashlib.sha256(data).hexdigest()
    assert f'name="confirm" value="{sha256}"' in content

    response = publisher_client.post(reverse("admin:cases_importrun_import"), {"confirm": sha256})

    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert ImportRun.objects.filter(state="imported").count() == 1


def test_admin_import_makes_the_file_the_word_of_the_source_chosen(publisher_client):
    from cases.models import Claim
    from tests.factories import SourceFactory

    sender = SourceFactory(title="Synthetic sender")
    data = csv_bytes([row()])
    upload = io.BytesIO(data)
    upload.name = "list.csv"
    publisher_client.post(
        reverse("admin:cases_importrun_import"),
        {
            "file": upload,
            "mapping": "prisoners-list",
            "jurisdiction": "BY",
            "reclassified_on": "2024-05-06",
            "source": sender.pk,
        },
    )
    publisher_client.post(
        reverse("admin:cases_importrun_import"), {"confirm": hashlib.sha256(data).hexdigest()}
    )

    assert Person.objects.count() == 1
    assert set(Claim.objects.values_list("source", flat=True)) == {sender.pk}


def test_admin_import_page_masks_a_confidential_source_outside_the_sources_group(publisher_client):
    from tests.factories import SourceFactory

    secret = SourceFactory(title="Synthetic informant CANARYimport", confidential=True)

    content = publisher_client.get(reverse("admin:cases_importrun_import")).content.decode()

    assert "CANARYimport" not in content
    assert f"Confidential source {str(secret.public_id)[:8]}" in content


def test_admin_refused_file_shows_problems_and_no_confirm(publisher_client):
    response = _upload(publisher_client, csv_bytes([row(name="")]))
    content = response.content.decode()
    assert "the name is empty" in content
    assert 'name="confirm"' not in content
    assert publisher_client.post(reverse("admin:cases_importrun_import"), {"confirm": "1"}).status_code == 400


def test_admin_unreadable_upload_is_a_form_error(publisher_client):
    response = _upload(publisher_client, b"%PDF-1.4 \x00\x00", name="list.pdf")
    assert "not a CSV or XLSX file" in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("group", [VIEWER, EDITOR])
def test_admin_import_is_forbidden_without_the_permission(client, law, group):
    client.force_login(UserFactory(groups=[group]))
    assert client.get(reverse("admin:cases_importrun_import")).status_code == 403
    assert _upload(client, csv_bytes([row()])).status_code == 403
    assert Person.objects.count() == 0


def test_admin_import_run_page_shows_the_report(publisher_client):
    report = do_import(csv_bytes([row(name="")]))
    response = publisher_client.get(reverse("admin:cases_importrun_change", args=[report.import_run_id]))
    assert response.status_code == 200
    assert "the name is empty" in response.content.decode()


def test_admin_charge_to_review_can_be_resolved_by_an_editor(client, law):
    do_import(csv_bytes([row(articles="ст. 999")]))
    item = ChargeToReview.objects.get()
    user = UserFactory(groups=[EDITOR])
    client.force_login(user)
    changelist = reverse("admin:cases_chargetoreview_changelist")
    assert "ст. 999" in client.get(changelist).content.decode()

    client.post(changelist, {"action": "mark_resolved", "_selected_action": [item.pk]})

    item.refresh_from_db()
    assert item.resolved_at is not None and item.resolved_by == user


def test_status_choices_cover_every_case_status():
    for status in choices.CaseStatus:
        assert read_status(status.value, has_verdict=False) == status


def test_admin_import_run_list_links_the_import_page_only_for_publishers(client, publisher_client):
    do_import(csv_bytes([row()]))
    changelist = reverse("admin:cases_importrun_changelist")
    content = publisher_client.get(changelist).content.decode()
    assert "list.csv" in content and reverse("admin:cases_importrun_import") in content
    assert (
        "Check the file (dry run)"
        in publisher_client.get(reverse("admin:cases_importrun_import")).content.decode()
    )
    client.force_login(UserFactory(groups=[VIEWER]))
    content = client.get(changelist).content.decode()
    assert "list.csv" in content and reverse("admin:cases_importrun_import") not in content


def test_a_slug_already_taken_is_drawn_again_instead_of_refusing_the_row(law, monkeypatch):
    from cases.models import people as models

    taken = PersonFactory(slug="p-aaaaaa")
    suffixes = iter(["aaaaaa", "bbbbbb"])
    monkeypatch.setattr(models, "_new_slug_suffix", lambda: next(suffixes))
    report = do_import(csv_bytes([row()]))
    assert report.state == "imported", report.lines()
    assert Person.objects.exclude(pk=taken.pk).get().slug == "p-bbbbbb"
