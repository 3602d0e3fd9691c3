"""An import's report is stored as messages (a code with parameters) and shown in the reader's
language: its problems, warnings, row changes and column summaries (issue 20, point 1;
docs/languages.md). Lines from before messages are read back by migration 0040 where their
English has a known shape, else shown as they were, in English."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from cases.admin.imports import shown_lines
from cases.models import ImportRunLine
from cases.protection.permissions import VIEWER
from cases.wording import catalogue
from cases.wording.render import Renderer, render
from tests.cases.test_import import HEADER, csv_bytes, do_import, row
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0040_import_line_message")

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words a report quotes in every language: the file's identifier columns, and the words the import
# reads in a cell (a sex is "м/ж or male/female").
LAYOUT_WORDS = {"id", "url", "male", "female", "yes", "no", "http", "https"}


def _data_in(value) -> list[str]:
    """The plain strings a message carries (column names, codes, cell words): data, not wording."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "message" in value:
            return _data_in_params(value["message"].get("params", {}))
        if "items" in value:
            return [text for item in value["items"] for text in _data_in(item)]
        if "field" in value:
            # A field's name: the profile's name for what a column feeds, or the record field's
            # verbose name (translated with the models' own wording, not the report's).
            model, name = value["field"]
            return (
                [name, str(apps.get_model("cases", model)._meta.get_field(name).verbose_name)]
                if _is_field(model, name)
                else [name]
            )
        if "term" in value or "choice" in value or "claim" in value:
            return []
        return [text for inner in value.values() for text in _data_in(inner)]
    return []


def _data_in_params(params: dict) -> list[str]:
    return [text for value in params.values() for text in _data_in(value)]


def _is_field(model: str, name: str) -> bool:
    return any(field.name == name for field in apps.get_model("cases", model)._meta.get_fields())


def _english_left(text: str, found: dict) -> list[str]:
    for data in sorted(_data_in_params(found.get("params", {})), key=len, reverse=True):
        text = text.replace(data, "")
    return [word for word in LATIN_WORD.findall(text) if word not in LAYOUT_WORDS]


def _report_with_problems_and_warnings():
    rows = [
        row(),  # imported: a new person and case
        row(id="102", url="https://list.example.org/p/102", gender="x"),  # a sex not understood: a warning
        row(id="", url=""),  # no identifier: a problem
        row(id="104", url="https://list.example.org/p/104", name="Abc Клыбачэнка"),  # mixed scripts
        row(id="105", url="https://list.example.org/p/105", arrested="31.02.2021"),  # no such day
    ]
    header = [*HEADER, "notes"]  # a column the profile does not have: a warning
    return do_import(csv_bytes(rows, header=header), all_or_nothing=False)


@pytest.mark.parametrize("language", ["be", "ru"])
def test_an_import_with_problems_and_warnings_reports_in_the_language_without_english(language):
    report = _report_with_problems_and_warnings()
    lines = list(ImportRunLine.objects.filter(run_id=report.import_run_id))
    assert {line.kind for line in lines} == {"problem", "warning", "row"}

    shown = shown_lines(lines, Renderer(language))

    for line, seen in zip(lines, shown, strict=True):
        text, shown_in = seen.text, seen.language
        if line.kind == "row" and not line.text:
            continue  # a rejected row: its reasons are the problems
        assert line.message.get("code") in catalogue.TEMPLATES, line.text
        assert shown_in == language
        assert text != line.text
        assert _english_left(text, line.message) == [], f"{line.text!r} -> {text!r}"


def test_each_line_keeps_its_english_text_the_rendering_of_its_message():
    report = _report_with_problems_and_warnings()

    lines = ImportRunLine.objects.filter(run_id=report.import_run_id)

    assert lines.count() == report.problem_count + report.warning_count + len(report.outcomes)
    for line in lines:
        assert catalogue.english(line.message) == line.text if line.text else line.message == {}
    warnings = [str(issue.reason) for issue in report.warnings]
    assert any(w.startswith("'x' is not a sex this import knows") for w in warnings), warnings


def test_column_summaries_are_messages_too():
    report = _report_with_problems_and_warnings()

    for column in report.columns:
        assert catalogue.english(column["summary_message"]) == column["summary"]
        assert _english_left(render(column["summary_message"], "ru"), column["summary_message"]) == []


def test_the_report_page_shows_the_lines_in_the_staff_members_language(client):
    report = _report_with_problems_and_warnings()
    client.force_login(UserFactory(groups=[VIEWER]))

    with translation.override("en"):  # the language the page activates ends with the test
        page = client.get(
            reverse("admin:cases_importrun_change", args=[report.import_run_id]), HTTP_ACCEPT_LANGUAGE="be"
        ).content.decode()

    assert '<td lang="be">новы чалавек і справа</td>' in page
    assert "new person and case" not in page
    assert "няма ні id, ні url" in page


# Lines from before messages (migration 0040) --------------------------------------------------

OLD_TEXTS = [
    ("problem", "neither id nor url: without an identifier a re-import would create the person again"),
    ("problem", "the same identifier as row 12"),
    (
        "warning",
        "'x' is not a sex this import knows: write м/ж or male/female: not recorded; the cell is kept "
        "for review",
    ),
    ("problem", "the name mixes Cyrillic and Latin letters: write the name in one script"),
    ("warning", "'ст. 999' is not in the law data of this jurisdiction: kept for review"),
    ("warning", "no facility matches 'ИК-99': proposed 'IK-99' for review"),
    ("row", "person created; detention_date; detention_date_precision; identifier list added"),
    ("row", "new person and case"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "text"), OLD_TEXTS)
def test_an_old_line_of_a_known_shape_is_read_back_into_its_message(kind, text):
    found = migration.message_of(kind, text)

    assert found.get("code") in catalogue.TEMPLATES, found
    assert catalogue.english(found) == text
    assert render(found, "ru") != text


def test_an_old_line_of_another_shape_keeps_its_english_and_is_marked_so():
    found = migration.message_of("problem", "A sentence needs the verdict date.")
    line = ImportRunLine(text="A sentence needs the verdict date.", message=found)

    assert found == {"text": "A sentence needs the verdict date."}
    [seen] = shown_lines([line], Renderer("be"))
    assert (seen.text, seen.language) == ("A sentence needs the verdict date.", "en")


def test_old_row_changes_with_a_change_of_unknown_shape_stay_text():
    text = "person created; something else happened"

    assert migration.message_of("row", text) == {"text": text}


def test_the_migration_gives_every_stored_line_its_message():
    report = _report_with_problems_and_warnings()
    lines = ImportRunLine.objects.filter(run_id=report.import_run_id)
    wanted = {line.pk: line.message for line in lines}
    lines.update(message={})  # as the lines were before the migration
    ImportRunLine.objects.filter(pk=min(wanted)).update(text="A sentence needs the verdict date.")

    migration.forwards(apps, None)

    migrated = {line.pk: line.message for line in lines}
    assert migrated[min(wanted)] == {"text": "A sentence needs the verdict date."}
    for pk, message in wanted.items():
        if pk != min(wanted):
            assert (
                catalogue.english(migrated[pk]) == catalogue.english(message)
                if message
                else migrated[pk] == {}
            )


def test_a_services_refusal_is_shown_in_the_staff_members_language_where_the_catalogue_has_it():
    report = do_import(csv_bytes([row(verdict_date="")]), all_or_nothing=False)
    [line] = ImportRunLine.objects.filter(run_id=report.import_run_id, kind="problem")

    [belarusian] = shown_lines([line], Renderer("be"))

    assert line.text == "A sentence needs the verdict date."  # the stored English, as before
    assert line.message["code"] == "import.refused"
    assert (belarusian.text, belarusian.language) == ("Для пакарання патрэбна дата прысуду.", "be")
