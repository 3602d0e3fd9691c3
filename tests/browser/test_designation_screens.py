"""Designation lists (issue 18, point 5) in Chromium: an Editor pastes a snapshot of the terrorism
list as published, reviews the matches (one sure, one to choose, one not in the registry), confirms,
and the case's page shows the reason; the public page shows the dated entry with its source. Screenshots go to
/tmp/shots18/. Every name here is invented."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from cases import choices, services
from cases.models import Designation, DesignationList
from cases.protection.permissions import EDITOR
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE, _make_person
from tests.browser.test_real_data_screens import _csp_reports, _logged_in_page, _page_overflow
from tests.factories import SourceFactory, UserFactory, article

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots18")  # noqa: S108 - where the reviewer looks for them
D = datetime.date

PASTED = """1. КАВАЛЁЎ Андрэй Сяргеевіч (Kavalou Andrei), 15.06.1988 г.р., уроженец г. Гомеля;
2. РАДЗЕВИЧ Игорь Петрович, 10.10.1979 г.р., уроженец г. Бреста;
3. ВЫДУМАНОВ Пётр Ильич, 05.05.1975 г.р., уроженец г. Минска."""


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def people(law):
    """Kavalou (born 1988-06-15, as the list says) and two Radzevichs born in other years."""
    kavalou = _make_person(
        ("Андрэй Кавалёў", "Андрей Ковалёв", "Andrei Kavalou"),
        region_code="gomel",
        detention_date=D(2023, 4, 2),
        status="detained",
    )
    services.add_charge(case=kavalou, article=article("342.1"), charged_on=D(2023, 4, 3))
    for latin in ("Ihar Radzevich", "Ihar Radzevich"):
        _make_person(
            ("Ігар Радзевіч", "Игорь Радзевич", latin),
            region_code="brest",
            detention_date=D(2022, 1, 5),
            status="convicted",
        )
    return kavalou


def test_an_editor_pastes_a_snapshot_reviews_it_and_the_person_gets_the_reason(
    new_page, live_server, people, shots
):
    terror_list = DesignationList.objects.get(code="by-terrorist-activity")
    source = SourceFactory(title="Synthetic copy of the KGB list, 1 March 2024", confidential=False)
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[EDITOR]))
    blocked = _csp_reports(page)

    page.goto(live_server.url + reverse("admin:cases_designationsnapshot_import"))
    page.select_option("#id_designation_list", str(terror_list.pk))
    page.fill("#id_date", "2024-03-01")
    page.select_option("#id_source", str(source.pk))
    page.fill("#id_names", PASTED)
    page.screenshot(path=str(shots / "designation-import-laptop.png"), full_page=True)
    page.click("input[type=submit]")

    page.wait_for_selector("#match-review")
    counts = page.inner_text("#match-counts")
    assert "1 matched, 1 to choose" in counts and "1 not in the registry" in counts
    assert page.is_checked(f'input[name="line-1"][value="{people.person.pk}"]')
    assert page.is_checked('input[name="line-2"][value="none"]')  # a person decides between namesakes
    assert _page_overflow(page) is None
    assert blocking_violations(page) == []
    page.screenshot(path=str(shots / "designation-review-laptop.png"), full_page=True)
    page.click("input[type=submit]")

    page.wait_for_selector("#result_list")
    assert "2024-03-01 at the latest" in page.inner_text("#result_list")
    page.screenshot(path=str(shots / "designation-list-laptop.png"), full_page=True)
    assert Designation.objects.get().person == people.person
    assert blocked == []

    people.refresh_from_db()
    assert people.risk_level == choices.RiskLevel.WATCH
    # Staff read the reason on the case's page (the public banner names elevated levels and above).
    page.goto(live_server.url + reverse("admin:cases_case_change", args=[people.pk]))
    assert "Listed as involved in terrorist activity since 2024-03-01 at the latest" in page.inner_text(
        "#content"
    )
    page.screenshot(path=str(shots / "designation-case-laptop.png"), full_page=True)
    # The public reads the dated entry on the timeline, with its source.
    public = new_page(viewport=PHONE)
    public.goto(live_server.url + reverse("public:person-detail", args=[people.person.slug]))
    text = public.inner_text("main")
    assert "included in a designation list: Included in the list" in text
    assert "Synthetic copy of the KGB list, 1 March 2024" in text
    assert _page_overflow(public) is None
    public.screenshot(path=str(shots / "designation-person-phone.png"), full_page=True)
