"""The table checksums that prove a restored backup complete (`manage.py table_checksums`,
scripts/backup.sh, scripts/restore.sh). The whole drill (backup, restore, compare) is too slow for
the suite: .ci/run runs scripts/backup_drill.sh.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from cases.management.commands.table_checksums import differences, read_manifest
from cases.models import Person
from tests.factories import CaseFactory, SourceFactory


def checksums() -> str:
    out = io.StringIO()
    call_command("table_checksums", stdout=out)
    return out.getvalue()


def line_of(output: str, table: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{table}\t"))


@pytest.fixture
def registry_rows(law):
    """A person with a case and encrypted confidential fields, and a confidential source."""
    case = CaseFactory()
    case.person.internal_notes = "Synthetic note"
    case.person.contacts = "Synthetic contact"
    case.person.save()
    SourceFactory(confidential=True, contact="Synthetic source contact")
    return case.person


@pytest.mark.postgres
def test_table_checksums_twice_on_the_same_data_are_identical(registry_rows):
    first = checksums()

    second = checksums()

    assert first == second
    assert line_of(first, "cases_person").split("\t")[1] == "1"
    assert line_of(first, "cases_source").split("\t")[1] == "1"
    assert line_of(first, "cases_historicalperson").split("\t")[1] != "0"


@pytest.mark.postgres
def test_table_checksums_cover_the_auth_history_and_migration_tables(registry_rows):
    tables = {line.split("\t")[0] for line in checksums().splitlines()}

    expected = {"auth_user", "auth_group", "cases_person", "cases_historicalperson", "django_migrations"}
    assert expected <= tables


@pytest.mark.postgres
def test_table_checksums_change_with_one_changed_row_and_only_in_its_table(registry_rows):
    before = checksums()

    Person.objects.filter(pk=registry_rows.pk).update(birth_date=registry_rows.birth_date.replace(day=13))
    after = checksums()

    assert line_of(before, "cases_person") != line_of(after, "cases_person")
    assert line_of(before, "cases_person").split("\t")[1] == line_of(after, "cases_person").split("\t")[1]
    changed = set(before.splitlines()) ^ set(after.splitlines())
    assert {line.split("\t")[0] for line in changed} == {"cases_person"}


@pytest.mark.postgres
def test_table_checksums_compare_passes_on_a_manifest_of_the_same_data(registry_rows, tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("# registry backup manifest\n" + checksums())
    out = io.StringIO()

    call_command("table_checksums", compare=str(manifest), stdout=out)

    assert out.getvalue().startswith("OK: ")
    assert "every count and checksum matches" in out.getvalue()


@pytest.mark.postgres
def test_table_checksums_compare_fails_naming_the_table_of_a_changed_row(registry_rows, tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text(checksums())
    Person.objects.filter(pk=registry_rows.pk).update(contacts="Another synthetic contact")
    err = io.StringIO()

    with pytest.raises(CommandError, match="differs from the manifest in 1 table"):
        call_command("table_checksums", compare=str(manifest), stderr=err)

    assert err.getvalue() == "MISMATCH cases_person: same row count (1), different content\n"


def test_differences_name_missing_extra_and_recounted_tables():
    expected = {"a": (1, "x"), "b": (2, "y"), "c": (3, "z")}
    found = [("b", 3, "y"), ("c", 3, "z"), ("d", 0, "-")]

    assert differences(expected, found) == [
        "a: in the manifest, missing from the database",
        "b: 3 rows, the manifest says 2",
        "d: in the database, not in the manifest",
    ]


def test_read_manifest_skips_comments_and_refuses_a_malformed_line(tmp_path):
    good = tmp_path / "good.tsv"
    good.write_text("# registry backup manifest\n# table\trows\tchecksum\ncases_person\t2\tabc\n\n")
    bad = tmp_path / "bad.tsv"
    bad.write_text("cases_person 2 abc\n")

    assert read_manifest(str(good)) == {"cases_person": (2, "abc")}
    with pytest.raises(CommandError, match="line 1"):
        read_manifest(str(bad))
