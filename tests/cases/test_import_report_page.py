"""The report of a large import on its admin page: the first lines of each list, and every line as a
CSV file, so a list of 100,000 rows leaves a page that loads and a report nothing is missing from."""

import csv
import io

import pytest
from django.urls import reverse

from cases.admin.imports import REPORT_LINES_SHOWN
from cases.models import ImportRun, ImportRunLine
from cases.protection.permissions import VIEWER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_run(*, warnings: int, problems: int = 0, rows: int = 0) -> ImportRun:
    run = ImportRun.objects.create(
        file_name="list.csv",
        file_sha256="0" * 64,
        mapping="prisoners-list",
        state=ImportRun.State.IMPORTED,
        rows=rows,
        created=rows,
        warnings=warnings,
        report={
            "jurisdiction": "BY",
            "dry_run": False,
            "all_or_nothing": True,
            "reclassified_on": "2026-12-01",
            "columns": [],
            "kept_cells": 0,
            "lines": {"problems": problems, "warnings": warnings},
        },
    )
    Line, Kind = ImportRunLine, ImportRunLine.Kind
    ImportRunLine.objects.bulk_create(
        [
            Line(run=run, kind=Kind.PROBLEM, position=n, row=n + 2, column="name", text=f"problem {n}")
            for n in range(problems)
        ]
        + [
            Line(run=run, kind=Kind.WARNING, position=n, row=n + 2, column="prison", text=f"warning {n}")
            for n in range(warnings)
        ]
        + [
            Line(run=run, kind=Kind.ROW, position=n, row=n + 2, action="created", text="new person and case")
            for n in range(rows)
        ]
    )
    return run


@pytest.fixture
def viewer_client(client):
    client.force_login(UserFactory(groups=[VIEWER]))
    return client


def run_page(client, run) -> str:
    response = client.get(reverse("admin:cases_importrun_change", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_long_report_shows_the_first_lines_of_each_list_and_links_every_line_as_csv(viewer_client):
    run = make_run(warnings=REPORT_LINES_SHOWN + 700, rows=REPORT_LINES_SHOWN + 1)

    page = run_page(viewer_client, run)

    assert f"warning {REPORT_LINES_SHOWN - 1}<" in page
    assert f"warning {REPORT_LINES_SHOWN}<" not in page
    assert f"the first {REPORT_LINES_SHOWN} of {REPORT_LINES_SHOWN + 700}" in page
    assert f"the first {REPORT_LINES_SHOWN} of {REPORT_LINES_SHOWN + 1}" in page
    assert reverse("admin:cases_importrun_report_csv", args=[run.pk]) in page


def test_a_short_report_is_shown_whole_without_a_notice(viewer_client):
    run = make_run(warnings=3, problems=2)

    page = run_page(viewer_client, run)

    assert all(f"warning {n}<" in page for n in range(3))
    assert "the first" not in page


def test_the_report_csv_holds_every_problem_warning_and_row(viewer_client):
    run = make_run(warnings=REPORT_LINES_SHOWN + 700, problems=2, rows=3)

    response = viewer_client.get(reverse("admin:cases_importrun_report_csv", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["kind", "row", "column", "reason or changes"]
    kinds = [line[0] for line in lines[1:]]
    assert kinds.count("problem") == 2
    assert kinds.count("warning") == REPORT_LINES_SHOWN + 700
    assert kinds.count("created") == 3
    assert [
        "warning",
        str(REPORT_LINES_SHOWN + 701),
        "prison",
        f"warning {REPORT_LINES_SHOWN + 699}",
    ] in lines


def test_the_report_csv_never_hands_a_spreadsheet_a_formula(viewer_client):
    run = make_run(warnings=0)
    run.lines.create(
        kind=ImportRunLine.Kind.WARNING, position=0, row=2, column="=cmd", text='=HYPERLINK("http://x")'
    )

    response = viewer_client.get(reverse("admin:cases_importrun_report_csv", args=[run.pk]))

    line = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1]
    assert line[2].startswith("'=") and line[3].startswith("'=")


def test_the_report_csv_is_for_staff_who_may_see_the_run(client):
    run = make_run(warnings=1)
    url = reverse("admin:cases_importrun_report_csv", args=[run.pk])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(groups=[]))
    assert client.get(url).status_code in (302, 403)
    assert not client.get(url).get("Content-Type", "").startswith("text/csv")


# A file too large for a page -------------------------------------------------------------------


def test_a_file_over_the_admin_row_limit_is_refused_on_the_form_pointing_to_the_command(
    client, law, settings
):
    from cases.protection.permissions import PUBLISHER
    from tests.cases.test_import import _upload, csv_bytes, row

    settings.IMPORT_ADMIN_MAX_ROWS = 3
    client.force_login(UserFactory(groups=[PUBLISHER]))
    rows = [row(id=str(n), url=f"https://list.example.org/p/{n}") for n in range(1, 6)]

    response = _upload(client, csv_bytes(rows))

    page = response.content.decode()
    assert "more than 3 rows" in page and "import_people" in page
    assert not ImportRun.objects.exists()


def test_run_import_stops_at_the_row_limit_it_is_given(law):
    from cases.transfer.importing import TooManyRows
    from tests.cases.test_import import csv_bytes, do_import, row

    rows = [row(id=str(n), url=f"https://list.example.org/p/{n}") for n in range(1, 6)]

    with pytest.raises(TooManyRows) as refused:
        do_import(csv_bytes(rows), max_rows=4)

    assert refused.value.limit == 4
    assert do_import(csv_bytes(rows), max_rows=5).created == 5


@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_lines_of_reports_already_stored_to_their_table_and_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = ("cases", "0015_webhook_deliveries_of_corrections"), ("cases", "0016_import_run_lines")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    OldRun = executor.loader.project_state([before]).apps.get_model("cases", "ImportRun")  # noqa: N806
    old = {
        "columns": [],
        "problems": [{"row": None, "column": "", "reason": "the file has a header but no rows"}],
        "warnings": [{"row": 3, "column": "prison", "reason": "an unknown place"}],
        "rows": [{"row": 3, "action": "updated", "changes": ["court", "judge"]}],
    }
    run = OldRun.objects.create(
        file_name="old.csv", file_sha256="0" * 64, mapping="prisoners-list", state="refused", report=old
    )

    MigrationExecutor(connection).migrate([after])

    moved = ImportRun.objects.get(pk=run.pk)
    assert list(moved.lines.values_list("kind", "row", "column", "action", "text")) == [
        ("problem", None, "", "", "the file has a header but no rows"),
        ("row", 3, "", "updated", "court; judge"),
        ("warning", 3, "prison", "", "an unknown place"),
    ]
    assert moved.report == {"columns": [], "lines": {"problems": 1, "warnings": 1}}

    MigrationExecutor(connection).migrate([before])
    assert OldRun.objects.get(pk=run.pk).report == old
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
