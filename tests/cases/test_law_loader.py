"""The law data comes from files shipped in the project; reloading is idempotent and reports changes."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.models import Article, Jurisdiction, WatchListEntry
from cases.transfer.law_loader import DATA_DIR, LawDataError, expand_parts, load_law, read_jurisdiction

SHARED_LAW = Path(__file__).resolve().parents[3] / "shared" / "domain" / "law"


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        (None, [""]),
        ("3", ["3"]),
        ("1-3", ["1", "2", "3"]),
        ("2-3", ["2", "3"]),
        ("2,4", ["2", "4"]),
        (2, ["2"]),
    ],
)
def test_expand_parts_reads_every_notation_of_the_data_files(raw, parts):
    assert expand_parts(raw) == parts


def test_expand_parts_refuses_a_backwards_range():
    with pytest.raises(LawDataError, match="part range"):
        expand_parts("3-1")


@pytest.mark.skipif(not SHARED_LAW.exists(), reason="../shared/domain/law is not beside this checkout")
@pytest.mark.parametrize("code", ["BY", "RU"])
def test_shipped_law_file_is_the_shared_reference_verbatim(code):
    assert (DATA_DIR / "law" / f"{code}.yaml").read_bytes() == (SHARED_LAW / f"{code}.yaml").read_bytes()


@pytest.mark.django_db
def test_load_law_keeps_facts_sources_and_verified_flags(law):
    part = Article.objects.get(jurisdiction__code="BY", number="356", part="2")
    assert part.capital and part.capital_since == datetime.date(2023, 3, 25)
    assert part.subject_restriction == "official_or_military"
    assert part.verified and part.sources[0].startswith("https://www.loc.gov/")
    assert part.category == "treason"
    unverified = Article.objects.get(jurisdiction__code="BY", number="360", part="2")
    assert unverified.capital and not unverified.verified


@pytest.mark.django_db
def test_load_law_expands_part_ranges_into_one_record_per_part(law):
    parts = list(
        Article.objects.filter(jurisdiction__code="BY", number="361-1").values_list("part", flat=True)
    )
    assert parts == ["1", "2", "3"]


@pytest.mark.django_db
def test_load_law_marks_the_capital_attempt_parts(law):
    attempt_parts = Article.objects.filter(jurisdiction__code="BY", capital_for_attempt_since__isnull=False)
    assert sorted(f"{a.number}.{a.part}" for a in attempt_parts) == ["124.2", "126.3", "289.3", "359.2"]
    assert {a.capital_for_attempt_since for a in attempt_parts} == {datetime.date(2022, 5, 29)}


@pytest.mark.django_db
def test_load_law_jurisdiction_facts(law):
    by, ru = Jurisdiction.objects.get(code="BY"), Jurisdiction.objects.get(code="RU")
    assert (by.death_penalty, ru.death_penalty) == ("active", "moratorium")
    assert by.exemptions == ["female", "under_18_at_offence", "male_65_or_older_at_sentencing"]
    assert by.capital_attempt_since == datetime.date(2022, 5, 29)
    assert by.regions.count() == 7
    assert WatchListEntry.objects.filter(
        jurisdiction=by, article_number="356", part="1", condition="official_or_military"
    ).exists()


@pytest.mark.django_db
def test_load_law_twice_changes_nothing(law):
    before = list(Article.objects.order_by("pk").values())
    report = load_law()
    assert report.unchanged and report.lines() == ["no changes"]
    assert list(Article.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_load_law_reports_a_changed_fact_and_applies_it(law, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    by = data / "law" / "BY.yaml"
    text = by.read_text(encoding="utf-8")
    by.write_text(
        text.replace("capital_since: '2023-03-25'", "capital_since: '2023-04-01'"), encoding="utf-8"
    )

    report = load_law(["BY"], data_dir=data)

    assert report.changed == [
        "article BY art. 356 part 2: capital_since: datetime.date(2023, 3, 25) → datetime.date(2023, 4, 1)"
    ]
    assert Article.objects.get(
        jurisdiction__code="BY", number="356", part="2"
    ).capital_since == datetime.date(2023, 4, 1)


@pytest.mark.django_db
def test_load_law_keeps_an_article_removed_from_the_file(law, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    ru = data / "law" / "RU.yaml"
    text = ru.read_text(encoding="utf-8")
    ru.write_text(text[: text.index("- article: '357'")], encoding="utf-8")

    report = load_law(["RU"], data_dir=data)

    assert report.not_in_file == ["article RU art. 357"]
    assert Article.objects.filter(jurisdiction__code="RU", number="357").exists()


def test_read_jurisdiction_refuses_a_malformed_date(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    by = data / "law" / "BY.yaml"
    by.write_text(
        by.read_text(encoding="utf-8").replace('since: "2022-05-29"', 'since: "29.05.2022"'), encoding="utf-8"
    )
    with pytest.raises(LawDataError, match="is not a date"):
        read_jurisdiction("BY", data)


@pytest.mark.django_db
def test_load_law_command_prints_the_report(law, capsys):
    call_command("load_law")
    assert capsys.readouterr().out.strip().splitlines() == [
        "no changes",
        "import profile prisoners-list: added from the shipped profiles",
        "import profile registry: added from the shipped profiles",
    ]

    call_command("load_law")
    assert capsys.readouterr().out.strip() == "no changes"


@pytest.mark.django_db
def test_load_law_command_refuses_an_unknown_jurisdiction(law):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No law data for XX"):
        call_command("load_law", "XX")
