"""The admin's case screen on a 1366x768 laptop: the risk level and the charges with their actions
on the first screen, nothing wider than the window. Every name here is invented."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cases import choices, services
from cases.models import Source
from cases.protection.permissions import EDITOR
from cases.services import NameSpec
from tests.factories import UserFactory, article, jurisdiction

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
D = datetime.date


@pytest.fixture
def case_with_charges(law):
    """A detained man with three charges: 218.2 reclassified to 289.3 (so critical), 342.1 and an
    attempt under 361-1.1, each from a source with a long title."""
    source = services.save_detail(
        instance=Source(
            kind=choices.SourceKind.PUBLICATION,
            title="Synthetic monitoring report on the detentions in Grodno region, spring 2022",
            url="https://example.org/synthetic/grodno-2022",
            confidential=False,
        )
    )
    person = services.create_person(
        names=[
            NameSpec("Аляксандр Вымыслаў", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
            NameSpec("Aliaksandr Vymyslau", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
        ],
        region=jurisdiction().regions.get(code="grodno"),
        sex=choices.Sex.MALE,
        birth_date=D(1988, 6, 15),
        birth_date_precision=choices.DatePrecision.DAY,
        is_official_or_military=False,
    )
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        case_number="SYN-2022-0042",
        detention_date=D(2022, 3, 1),
        status=choices.CaseStatus.DETAINED,
    )
    first = services.add_charge(
        case=case,
        article=article("218.2"),
        offence_date=D(2022, 2, 20),
        charged_on=D(2022, 3, 2),
        source=source,
    )
    services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2), source=source)
    services.add_charge(
        case=case,
        article=article("361-1.1"),
        stage=choices.ChargeStage.ATTEMPT,
        offence_date=D(2022, 2, 24),
        charged_on=D(2022, 4, 11),
        source=source,
    )
    services.reclassify_charge(charge=first, to_article=article("289.3"), on=D(2022, 6, 15), source=source)
    case.refresh_from_db()
    assert case.risk_status == "critical", f"the screen needs a level to show; got {case.risk_status}"
    return case


def _editor_page(new_page, live_server):
    """A page whose browser holds an editor's session that passed the second factor."""
    client = Client()
    client.force_login(UserFactory(groups=[EDITOR]))
    page = new_page(viewport=LAPTOP)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def _box(locator) -> dict:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )


def test_case_screen_fits_a_laptop_with_the_risk_level_and_charge_actions_on_the_first_screen(
    live_server, case_with_charges, new_page, screenshots
):
    page = _editor_page(new_page, live_server)
    response = page.goto(live_server.url + reverse("admin:cases_case_change", args=[case_with_charges.pk]))
    assert response.ok, response.status
    page.screenshot(path=screenshots / "admin-case-laptop.png")
    width, height = LAPTOP["width"], LAPTOP["height"]

    problems = []
    page_width = page.evaluate("document.documentElement.scrollWidth")
    if page_width > width:
        problems.append(f"the case page is {page_width} px wide in a {width} px window")
    table = page.locator("#charges-group table")
    table_width, table_right = table.evaluate("t => [t.scrollWidth, t.getBoundingClientRect().right]")
    group_right = page.locator("#charges-group h2").first.evaluate("h => h.getBoundingClientRect().right")
    if table_right > min(width, group_right + 1):
        problems.append(
            f"the charges table ({table_width} px wide) ends at x={table_right:.0f}, "
            f"past its heading's x={group_right:.0f}"
        )

    # Reclassify and End on each of the three active charges; Correct on all four (a mistake can
    # be in an ended charge too).
    for name, expected in (("Reclassify", 3), ("End", 3), ("Correct", 4)):
        links = page.get_by_role("link", name=name, exact=True)
        if links.count() != expected:
            problems.append(f"{links.count()} {name} links, expected {expected}")
        for i in range(links.count()):
            box = _box(links.nth(i))
            if box["right"] > width or box["bottom"] > height:
                problems.append(
                    f"{name} link {i + 1} is off the first screen, at x={box['left']:.0f} y={box['top']:.0f}"
                )

    heading = page.get_by_role("heading", name="Risk of the death penalty").first
    box = _box(heading)
    if box["bottom"] > height:
        problems.append(f"the risk level is below the first screen, at y={box['top']:.0f}")
    summary = page.locator("#case-risk")
    if not summary.count():
        problems.append("no risk summary (#case-risk) on the page")
    elif "critical" not in summary.inner_text() or _box(summary)["bottom"] > height:
        problems.append(f"the risk summary does not show 'critical' on the first screen: {_box(summary)}")

    page.get_by_text("Risk assessment history").click()  # opens the collapsed history
    page.screenshot(path=screenshots / "admin-case-laptop-full.png", full_page=True)
    assert not problems, f"at {width}x{height}: " + "; ".join(problems)


def test_ending_a_charge_returns_to_the_case_with_the_new_level_in_the_message_and_on_top(
    live_server, case_with_charges, new_page, screenshots
):
    page = _editor_page(new_page, live_server)
    page.goto(live_server.url + reverse("admin:cases_case_change", args=[case_with_charges.pk]))
    page.get_by_title("End the charge under art. 289 part 3").click()

    page.get_by_label("Outcome").select_option("dropped")
    page.get_by_label("Date").fill("2022-09-01")
    page.get_by_role("button", name="Save").click()

    message = page.locator("ul.messagelist li.success")
    expect(message).to_be_visible()
    page.screenshot(path=screenshots / "admin-case-after-end-laptop.png")
    assert "The charge under art. 289 part 3 is closed" in message.inner_text()
    assert "Risk of the death penalty: critical → watch" in message.inner_text()
    assert "1 alert raised" in message.inner_text()
    summary = page.locator("#case-risk")
    assert summary.locator("strong").first.inner_text() == "watch"
    assert _box(summary)["bottom"] <= LAPTOP["height"], "the new level is below the first screen"
