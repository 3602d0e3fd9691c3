"""Today's screens for real data (issue 16) in Chromium: a Publisher tests an import profile on a
file, an Editor sets how much of a case's dates is known, and a reader sees a person whose dates
are known only in part. Screenshots go to /tmp/shots16/. Every name here is invented."""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cases import choices, services
from cases.models import Case, ImportProfile, ImportRun, Person, Source
from cases.protection.permissions import EDITOR, PUBLISHER
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import CaseFactory, PersonFactory, UserFactory, article

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots16")  # noqa: S108 - where the reviewer looks for them
LAPTOP = {"width": 1366, "height": 768}
D = datetime.date

PROFILE = {
    "id_scheme": "our-list",
    "columns": {
        "№": "external_id",
        "ФИО": "name",
        "Положение": "status",
        "Срок": "sentence",
        "Вид наказания": "sentence",
    },
    "vocabulary": {"status": {"за решёткой": "held"}},
}


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def _logged_in_page(new_page, live_server, user, viewport=LAPTOP):
    """A page whose browser holds a session that passed both login steps (tests/conftest.py)."""
    client = Client()
    client.force_login(user)
    page = new_page(viewport=viewport)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def _box(locator) -> dict:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )


def _page_overflow(page) -> tuple[int, int] | None:
    """(scrollWidth, innerWidth) when the page scrolls sideways, else None."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return (scroll_width, inner_width) if scroll_width > inner_width + 1 else None


def _csp_reports(page) -> list[str]:
    """The console's reports of what the Content Security Policy blocked, filled as the page runs."""
    reports = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    return reports


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    header = list(PROFILE["columns"])
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue().encode()


# 1. Import profiles: a Publisher saves one and tests it on a file --------------------------------


def test_import_profile_with_a_test_file_shows_the_dry_run_columns_at_a_laptop_window(
    live_server, law, new_page, shots
):
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[PUBLISHER]))
    csp = _csp_reports(page)
    response = page.goto(live_server.url + reverse("admin:cases_importprofile_add"))
    assert response.ok, response.status

    page.locator("#id_code").fill("our-list")
    page.locator("#id_label").fill("Our list")
    page.locator("#id_config").fill(json.dumps(PROFILE, ensure_ascii=False, indent=2))
    expect(page.get_by_role("heading", name="Test on a file")).to_be_visible()
    data = _csv(
        [
            {"№": "1", "ФИО": "Выдуманы Пятро", "Положение": "за решёткой", "Срок": "2 года"},
            {"№": "2", "ФИО": "Прыдуманая Алеся", "Положение": "за решёткой"},
        ]
    )
    page.locator('input[name="test_file"]').set_input_files(
        files=[{"name": "ours.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.screenshot(path=shots / "import-profile-add-filled-1366.png", full_page=True)
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()

    page.screenshot(path=shots / "import-profile-dry-run-1366.png", full_page=True)
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    heading = page.locator("#content h1").first.inner_text()
    assert heading.startswith("Dry run of ours.csv"), heading
    columns = page.locator(".module", has=page.get_by_role("heading", name="Columns")).first
    expect(columns).to_be_visible()
    rows = {
        row.locator("th").inner_text().strip(): [c.inner_text().strip() for c in row.locator("td").all()]
        for row in columns.locator("tbody tr").all()
    }
    assert list(rows) == list(PROFILE["columns"]), rows
    assert rows["№"][0] == "external_id" and rows["ФИО"][0] == "name", rows
    assert rows["Срок"][0] == rows["Вид наказания"][0] == "sentence", rows
    assert rows["Положение"][0] == "status", rows
    assert "“за решёткой” → held: by the verdict" in rows["Положение"][2], rows["Положение"]
    # The profile is saved; nothing of the file is written.
    assert ImportProfile.objects.get(code="our-list").config == PROFILE
    assert ImportRun.objects.get().state == "dry_run"
    assert not Person.objects.exists()

    problems = []
    if overflow := _page_overflow(page):
        problems.append(f"the dry-run page scrolls sideways (scrollWidth, innerWidth) = {overflow}")
    table_right = _box(columns.locator("table"))["right"]
    if table_right > LAPTOP["width"]:
        problems.append(
            f"the Columns table ends at x={table_right:.0f}, past the {LAPTOP['width']} px window"
        )
    clipped = columns.locator("table").evaluate(
        "t => [...t.querySelectorAll('th, td')]"
        ".filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)"
        ".map(c => [c.innerText, c.scrollWidth, c.clientWidth])"
    )
    if clipped:
        problems.append(f"Columns table cells cut off (text, scrollWidth, clientWidth): {clipped}")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, "import profile dry run at 1366x768: " + "; ".join(problems)


# 2. A case's dates with their precision: an Editor on the case's page ----------------------------


@pytest.fixture
def case_with_charges(law):
    """A detained man with a verdict and two charges from a source with a long title."""
    source = services.save_detail(
        instance=Source(
            kind=choices.SourceKind.PUBLICATION,
            title="Synthetic monitoring report on the detentions in Vitebsk region, autumn 2022",
            url="https://example.org/synthetic/vitebsk-2022",
            confidential=False,
        )
    )
    case = CaseFactory(
        person=PersonFactory(
            names=[
                ("Міхась Нябачны", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
                ("Mikhas Niabachny", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, False),
            ]
        ),
        case_number="SYN-2022-0716",
        detention_date=D(2022, 3, 14),
    )
    services.add_charge(
        case=case,
        article=article("342.1"),
        offence_date=D(2022, 2, 27),
        charged_on=D(2022, 3, 15),
        source=source,
    )
    services.add_charge(case=case, article=article("130.3"), charged_on=D(2022, 4, 2), source=source)
    services.update_case(
        case=case,
        status=choices.CaseStatus.CONVICTED,
        verdict_date=D(2022, 9, 20),
        sentence_kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
        sentence_years=3,
    )
    return Case.objects.get(pk=case.pk)


def _beside(page, date_name: str, precision_name: str) -> list[str]:
    """Problems, if the precision select is not on the same line as, and right of, its date."""
    date_input = page.locator(f'input[name="{date_name}"]')
    select = page.locator(f'select[name="{precision_name}"]')
    if not (date_input.count() and select.count()):
        return [f"{date_name} ({date_input.count()}) or {precision_name} ({select.count()}) is missing"]
    row_of_date = date_input.evaluate("e => e.closest('.form-row').className")
    row_of_select = select.evaluate("e => e.closest('.form-row').className")
    problems = []
    if row_of_date != row_of_select:
        problems.append(
            f"{precision_name} is in row '{row_of_select}', not in its date's row '{row_of_date}'"
        )
    d, s = _box(date_input), _box(select)
    if not (s["left"] >= d["right"] and s["top"] < d["bottom"] and d["top"] < s["bottom"]):
        problems.append(f"{precision_name} at {s} is not beside {date_name} at {d}")
    return problems


def test_case_dates_precision_selects_sit_beside_their_dates_and_year_saves_the_first_day(
    live_server, case_with_charges, new_page, shots
):
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[EDITOR]))
    csp = _csp_reports(page)
    url = live_server.url + reverse("admin:cases_case_change", args=[case_with_charges.pk])
    response = page.goto(url)
    assert response.ok, response.status

    problems = []
    for legend, label in (
        ("Detention", "Detention date precision"),
        ("Trial and sentence", "Verdict date precision"),
        ("Recognition as a political prisoner", "Recognised on precision"),
        ("Recognition as a political prisoner", "Recognition statement url"),
    ):
        fieldset = page.locator("fieldset", has=page.locator("h2", has_text=legend)).first
        if not fieldset.locator("label", has_text=label).count():
            problems.append(f"no '{label}' in the fieldset '{legend}'")
    problems += _beside(page, "detention_date", "detention_date_precision")
    problems += _beside(page, "verdict_date", "verdict_date_precision")
    problems += _beside(page, "recognised_on", "recognised_on_precision")
    assert page.locator('input[name="recognition_statement_url"]').count() == 1

    # The charges table still fits inside its group at 1366x768 (as test_case_screen.py measures).
    width = LAPTOP["width"]
    if overflow := _page_overflow(page):
        problems.append(f"the case page scrolls sideways (scrollWidth, innerWidth) = {overflow}")
    table = page.locator("#charges-group table")
    table_width, table_right = table.evaluate("t => [t.scrollWidth, t.getBoundingClientRect().right]")
    group_right = page.locator("#charges-group h2").first.evaluate("h => h.getBoundingClientRect().right")
    if table_right > min(width, group_right + 1):
        problems.append(
            f"the charges table ({table_width} px wide) ends at x={table_right:.0f}, "
            f"past its heading's x={group_right:.0f}"
        )
    page.locator("fieldset", has=page.locator("h2", has_text="Detention")).first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "admin-case-precision-1366.png")
    page.screenshot(path=shots / "admin-case-precision-1366-full.png", full_page=True)
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    assert not problems, "case page at 1366x768: " + "; ".join(problems)

    page.locator('select[name="detention_date_precision"]').select_option("year")
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()
    page.screenshot(path=shots / "admin-case-precision-after-save-1366.png", full_page=True)
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()

    case = Case.objects.get(pk=case_with_charges.pk)
    assert (case.detention_date, case.detention_date_precision) == (D(2022, 1, 1), "year")
    assert case.charges.count() == 2


# 3. The public page of a person whose dates are known only in part ------------------------------


@pytest.fixture
def person_known_in_part(law):
    """Published; detained in 2021 (the day unknown), 3 years by a verdict of 2021-10-12, released in
    May 2024."""
    source = services.save_detail(
        instance=Source(
            kind=choices.SourceKind.PUBLICATION,
            title="Synthetic report on the Nevyadomy case",
            url="https://example.org/synthetic/nevyadomy",
            confidential=False,
        )
    )
    case = CaseFactory(
        person=PersonFactory(
            names=[
                ("Янка Нявядомы", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
                ("Янка Неведомый", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU, False),
                ("Yanka Niaviadomy", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, False),
            ]
        ),
        case_number="SYN-2021-0099",
        detention_date=D(2021, 1, 1),
        detention_date_precision=choices.DatePrecision.YEAR,
    )
    services.add_charge(case=case, article=article("342.1"), charged_on=D(2021, 6, 1), source=source)
    services.update_case(
        case=case,
        status=choices.CaseStatus.CONVICTED,
        verdict_date=D(2021, 10, 12),
        verdict_date_precision=choices.DatePrecision.DAY,
        sentence_kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
        sentence_years=3,
    )
    services.record_event(
        case=case,
        kind=choices.EventKind.DETAINED,
        date=D(2021, 1, 1),
        date_precision=choices.DatePrecision.YEAR,
        is_public=True,
        sources=[source],
    )
    services.record_event(
        case=case,
        kind=choices.EventKind.RELEASED,
        date=D(2024, 5, 1),
        date_precision=choices.DatePrecision.MONTH,
        text="Released after serving the term.",
        is_public=True,
        sources=[source],
    )
    services.update_case(case=Case.objects.get(pk=case.pk), status=choices.CaseStatus.RELEASED)
    services.publish_person(person=case.person)
    case = Case.objects.get(pk=case.pk)
    assert case.expected_release_period[0] != case.expected_release_period[1], case.expected_release_period
    return case


@pytest.mark.parametrize(("size", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_person_page_dates_known_in_part_show_the_year_range_and_month(
    live_server, person_known_in_part, new_page, shots, size, viewport
):
    page = new_page(viewport=viewport)
    csp = _csp_reports(page)
    url = live_server.url + reverse("public:person-detail", kwargs={"slug": person_known_in_part.person.slug})
    response = page.goto(url)
    assert response.ok, response.status
    page.screenshot(path=shots / f"person-partial-dates-{size}.png", full_page=True)

    facts = page.locator("section.case dl.facts")
    detained = facts.locator("dt:has-text('Detained') + dd").inner_text().strip()
    # Released in May 2024 (issue 18): the day they left replaces the expected release, whose
    # range from a partial detention date is checked in tests/public/test_partial_dates.py.
    left = facts.locator("dt:has-text('Left custody') + dd").inner_text().strip()
    expected_shown = facts.locator("dt:has-text('Expected release')").count()
    timeline = [li.inner_text().strip() for li in page.locator("ol.timeline li").all()]
    main_text = page.locator("main").inner_text()

    problems = []
    if detained != "2021":
        problems.append(f"Detained shows {detained!r}, not '2021'")
    made_up = [day for day in ("Jan. 1, 2021", "January 1, 2021", "1 January 2021") if day in main_text]
    if made_up:
        problems.append(f"the page shows a made-up day: {made_up}")
    if not left.startswith("May 2024"):
        problems.append(f"Left custody shows {left!r}, not 'May 2024'")
    if expected_shown:
        problems.append("the page still shows an expected release for a person who was released")
    if not any(entry.startswith("May 2024") and "released" in entry for entry in timeline):
        problems.append(f"no 'May 2024 released' timeline entry: {timeline}")
    if not any(entry.startswith("2021 ") and "detained" in entry for entry in timeline):
        problems.append(f"no '2021 detained' timeline entry: {timeline}")
    if overflow := _page_overflow(page):
        problems.append(f"the page scrolls sideways (scrollWidth, innerWidth) = {overflow}")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, f"person page at {size} px: " + "; ".join(problems)


# 4. The report of a large import: the first lines and the whole report as a file ---------------


def test_a_large_import_report_page_shows_the_first_lines_and_offers_the_whole_report(
    live_server, law, new_page, shots
):
    from cases.admin.imports import REPORT_LINES_SHOWN
    from tests.cases.test_import_report_page import make_run

    run = make_run(warnings=3 * REPORT_LINES_SHOWN, problems=0, rows=2 * REPORT_LINES_SHOWN)
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[PUBLISHER]))
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("admin:cases_importrun_change", args=[run.pk]))

    assert response.ok, response.status
    page.screenshot(path=shots / "import-run-long-report-1366.png")
    # The report's own box (the admin's fieldset around it is a .module too).
    warnings = page.locator("xpath=//div[contains(@class, 'module')][h2[starts-with(., 'Warnings (1500)')]]")
    expect(warnings.get_by_text(f"Showing the first {REPORT_LINES_SHOWN} of 1500")).to_be_visible()
    assert warnings.locator("tbody tr").count() == REPORT_LINES_SHOWN
    with page.expect_download() as download:
        warnings.get_by_role("link", name="every line as a CSV file").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 3 * REPORT_LINES_SHOWN + 2 * REPORT_LINES_SHOWN
    assert not csp, csp
    assert not blocking_violations(page)
