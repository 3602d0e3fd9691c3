"""A list is read, matched and written a chunk of rows at a time (so memory does not grow with the
file): what the importer knows across the whole file must still hold across chunks. Every name
here is invented."""

import pytest

from cases.models import ImportRun, Person
from cases.transfer.importing import UnreadableFile, importer, reader
from tests.cases.test_import import csv_bytes, do_import, row
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    """Two rows a chunk: a file of a few rows then crosses several chunk boundaries."""
    monkeypatch.setattr(importer, "MATCH_CHUNK", 2)


SURNAMES = ["Іншаковіч", "Пятрэйка", "Зарычанка", "Лапаціч", "Мурашка", "Гаранок"]  # invented


def numbered(n: int, **values) -> dict:
    values.setdefault("name", f"{SURNAMES[n - 1]} Пётра")  # a name key of its own per row
    return row(id=str(n), url=f"https://list.example.org/p/{n}", **values)


def test_rows_sharing_a_name_in_different_chunks_are_each_warned_about_the_other(law, small_chunks):
    rows = [numbered(1, name="Вымышленка Алесь")] + [numbered(n) for n in (2, 3, 4)]
    rows.append(numbered(5, name="Вымышленка Алесь"))

    report = do_import(csv_bytes(rows))

    assert report.created == 5
    same = [(w.row, w.reason) for w in report.warnings if "the same name as row(s)" in w.reason]
    assert same == [
        (2, "the same name as row(s) 6 with another identifier: imported as different people"),
        (6, "the same name as row(s) 2 with another identifier: imported as different people"),
    ]


def test_a_person_created_by_an_earlier_chunk_is_not_called_a_possible_duplicate(law, small_chunks):
    rows = [numbered(n) for n in (1, 2, 3)]
    rows.append(numbered(4, name=f"{SURNAMES[0]} Пётра"))  # the fourth row: another chunk than the first

    report = do_import(csv_bytes(rows))

    assert report.created == 4
    assert not [w for w in report.warnings if "possible duplicate" in w.reason]


def test_a_registry_person_is_named_as_possible_duplicate_in_every_chunk_and_the_imported_one_is_not(
    law, small_chunks
):
    known = PersonFactory(names=[("Вымышленка Алесь", "be_cyrl", "official_be", True)])
    rows = [numbered(1, name="Вымышленка Алесь"), numbered(2), numbered(3, name="Вымышленка Алесь")]

    report = do_import(csv_bytes(rows))

    duplicates = {w.row: w.reason for w in report.warnings if "possible duplicate" in w.reason}
    assert set(duplicates) == {2, 4}
    for reason in duplicates.values():
        assert known.slug in reason
        created_slugs = Person.objects.exclude(pk=known.pk).values_list("slug", flat=True)
        assert not any(slug in reason for slug in created_slugs)


def test_warnings_are_reported_in_row_order_across_chunks(law, small_chunks):
    rows = [numbered(n, gender="невядома") for n in range(1, 6)]
    rows[0]["name"] = rows[4]["name"] = "Вымышленка Алесь"

    report = do_import(csv_bytes(rows))

    numbers = [w.row for w in report.warnings]
    assert numbers == sorted(numbers)
    assert {2, 3, 4, 5, 6} <= set(numbers)


def test_a_file_imported_twice_in_small_chunks_changes_nothing_the_second_time(law, small_chunks):
    rows = [numbered(n) for n in range(1, 6)]
    do_import(csv_bytes(rows))

    again = do_import(csv_bytes(rows))

    assert again.rows == 5 and again.unchanged == 5
    assert not again.problems


def test_a_csv_error_below_the_first_chunks_refuses_the_file_and_writes_nothing(law, small_chunks):
    rows = [numbered(n) for n in range(1, 6)]
    rows.append(numbered(6, judge="x" * 200_000))  # over the csv module's field limit

    with pytest.raises(UnreadableFile, match="This CSV file cannot be read"):
        do_import(csv_bytes(rows))

    assert not Person.objects.exists()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_row_limit_is_refused_when_the_reading_reaches_it_and_writes_nothing(
    law, small_chunks, monkeypatch
):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    rows = [numbered(n) for n in range(1, 6)]

    with pytest.raises(UnreadableFile, match="more than 3 rows"):
        do_import(csv_bytes(rows))

    assert not Person.objects.exists()
    assert not ImportRun.objects.exists()


def test_the_rows_of_a_table_are_read_as_they_are_consumed():
    table = reader.read_table(b'id,name\n1,A\n2,"B\n')  # the second row's quote never closes

    assert table.headers == ["id", "name"]
    assert next(table.rows).cells[1].value == "A"


# The report's lines and the whole-file checks live on disk, not in memory ------------------------


@pytest.fixture
def short_preview(monkeypatch):
    """A report holds the first two lines of each kind in memory; the run stores them all."""
    monkeypatch.setattr(importer, "REPORT_PREVIEW", 2)


@pytest.mark.parametrize("dry_run", [True, False])
def test_every_line_of_a_long_report_is_stored_with_the_run_while_the_report_holds_the_first(
    law, small_chunks, short_preview, dry_run
):
    rows = [numbered(n, gender="невядома") for n in range(1, 6)]  # a warning each: sex not read

    report = do_import(csv_bytes(rows), dry_run=dry_run)

    run = ImportRun.objects.get(pk=report.import_run_id)
    stored = list(run.lines.filter(kind="warning").values_list("row", flat=True))
    assert stored == [2, 3, 4, 5, 6]  # in row order, across the chunks
    assert report.warning_count == run.warnings == 5
    assert [w.row for w in report.warnings] == [2, 3]
    assert list(run.lines.filter(kind="row").values_list("row", "action")) == [
        (n, "created") for n in range(2, 7)
    ]
    assert run.report["lines"] == {"problems": 0, "warnings": 5}


def test_the_lines_of_a_refused_run_survive_the_rollback_of_its_writes(law, small_chunks, short_preview):
    rows = [numbered(n) for n in range(1, 5)] + [numbered(5, name="")]  # row 6: no name

    report = do_import(csv_bytes(rows))

    assert report.state == "refused" and not Person.objects.exists()
    run = ImportRun.objects.get(pk=report.import_run_id)
    assert list(run.lines.filter(kind="problem").values_list("row", "column", "text")) == [
        (6, "name", "the name is empty")
    ]
    assert report.problem_count == 1 and report.would_refuse


def test_the_command_prints_every_line_of_the_report_not_only_the_first(
    law, small_chunks, short_preview, tmp_path
):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([numbered(n, gender="невядома") for n in range(1, 6)]))
    out = StringIO()

    call_command("import_people", str(path), "--mapping", "prisoners-list", "--dry-run", stdout=out)

    warned = [line for line in out.getvalue().splitlines() if line.startswith("warning: row")]
    assert [line.split(",")[0] for line in warned] == [f"warning: row {n}" for n in range(2, 7)]


def test_an_identifier_repeated_in_a_later_chunk_names_the_first_row_that_carried_it(law, small_chunks):
    rows = [numbered(n) for n in range(1, 6)]
    rows[4]["id"] = "1"  # row 6 repeats row 2's id, two chunks later

    report = do_import(csv_bytes(rows), all_or_nothing=False)

    assert [(p.row, p.reason) for p in report.problems] == [(6, "the same identifier as row 2")]
    assert report.created == 4


def test_utf8_is_checked_a_block_at_a_time_with_a_letter_split_across_blocks_accepted(monkeypatch):
    monkeypatch.setattr(reader, "DECODE_BLOCK", 7)  # "id,name\n" then "Ё" (2 bytes) across a block edge
    table = reader.read_table("id,name\n1,Ёжык\n".encode())

    assert [row.cells[1].value for row in table.rows] == ["Ёжык"]


def test_a_byte_that_is_not_utf8_far_down_the_file_refuses_it_before_any_row_is_read(monkeypatch):
    monkeypatch.setattr(reader, "DECODE_BLOCK", 8)
    data = b"id,name\n" + b"".join(f"{n},A\n".encode() for n in range(50)) + b"51,\xff\n"

    with pytest.raises(UnreadableFile, match="not UTF-8"):
        reader.read_table(data)
