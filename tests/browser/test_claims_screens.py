"""Claims (issue 17) in Chromium: a reader sees which source supports which fact and where public
sources disagree; a Publisher opens the conflicts queue and decides. Screenshots go to
/tmp/shots17/. Every name here is invented."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from cases import choices, services
from cases.models import Claim
from cases.protection.permissions import PUBLISHER
from cases.services import claims
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE, _make_person
from tests.browser.test_real_data_screens import LAPTOP, _csp_reports, _logged_in_page, _page_overflow
from tests.factories import CaseFactory, FacilityFactory, PersonFactory, SourceFactory, UserFactory, article

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots17")  # noqa: S108 - where the reviewer looks for them
D = datetime.date


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def contested_case(law):
    """Published; two public reports disagree on the detention date, a court record gives the
    verdict date and the charge, a confidential source confirms the detention date, and the weekly
    says the charged act was only an attempt."""
    case = CaseFactory(
        person=PersonFactory(
            names=[
                ("Міхась Спрэчны", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
                ("Михаил Спорный", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU, False),
                ("Mikhas Sprechny", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, False),
            ]
        ),
        detention_date=None,
        detention_date_precision=choices.DatePrecision.UNKNOWN,
    )
    daily = SourceFactory(title="Synthetic Daily, 12 March 2022", published_on=D(2022, 3, 12))
    weekly = SourceFactory(title="Synthetic Weekly, 18 March 2022", published_on=D(2022, 3, 18))
    court = SourceFactory(
        title="Synthetic court record",
        kind=choices.SourceKind.COURT,
        reliability=choices.SourceReliability.DOCUMENTARY,
        published_on=D(2022, 11, 2),
    )
    secret = SourceFactory(title="Synthetic informant", confidential=True, url="")
    person = case.person
    charge = services.add_charge(
        case=case,
        article=article("289.3"),
        offence_date=D(2022, 5, 10),
        charged_on=D(2022, 6, 1),
        source=court,
    )
    claims.record_claim(
        fact="charge.stage", person=person, case=case, charge=charge, value="attempt", source=weekly
    )
    claims.record_claim(
        fact="charge.offence_date", person=person, case=case, charge=charge, value="2022-05-10", source=court
    )
    claims.record_claim(
        fact="charge.offence_date",
        person=person,
        case=case,
        charge=charge,
        value={"date": "2022-04-01", "precision": "month"},
        source=weekly,
    )
    claims.record_claim(
        fact="case.detention_date", person=person, case=case, value="2022-03-10", source=daily
    )
    claims.record_claim(
        fact="case.detention_date", person=person, case=case, value="2022-03-10", source=secret
    )
    claims.record_claim(
        fact="case.detention_date", person=person, case=case, value="2022-03-12", source=weekly
    )
    claims.record_claim(fact="case.verdict_date", person=person, case=case, value="2022-11-01", source=court)
    services.publish_person(person=person)
    return case


@pytest.mark.parametrize(("size", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_the_person_page_gives_each_fact_its_sources_and_says_where_they_disagree(
    live_server, contested_case, new_page, shots, size, viewport
):
    page = new_page(viewport=viewport)
    csp = _csp_reports(page)
    url = live_server.url + reverse("public:person-detail", kwargs={"slug": contested_case.person.slug})
    response = page.goto(url)
    assert response.ok, response.status
    page.screenshot(path=shots / f"person-claims-{size}.png", full_page=True)

    detained = page.locator("section.case dl.facts dt:has-text('Detained') + dd").inner_text()
    sources = [li.inner_text().strip() for li in page.locator("ol.sources li").all()]
    charge_line = page.locator("ul.charges li").first.inner_text()
    problems = []
    if "[" not in charge_line or "sources disagree: attempt according to" not in charge_line:
        problems.append(f"the charge line names no source or hides the disagreement: {charge_line!r}")
    if (
        "offence May 10, 2022" not in charge_line
        or "sources disagree: April 2022 according to" not in charge_line
    ):
        problems.append(f"the charge line does not tell its offence date and its sources: {charge_line!r}")
    if "sources disagree" not in detained or "March 12, 2022" not in detained:
        problems.append(f"the disagreement is not told beside the date: {detained!r}")
    if "a confidential source" not in sources or any("informant" in s for s in sources):
        problems.append(f"the confidential source is not masked as such: {sources}")
    page.locator("section.case dl.facts dt:has-text('Detained') + dd sup.ref a").first.click()
    if not page.evaluate("location.hash").startswith("#source-"):
        problems.append("a footnote does not lead to its source")
    if overflow := _page_overflow(page):
        problems.append(f"the page scrolls sideways (scrollWidth, innerWidth) = {overflow}")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, f"person page at {size} px: " + "; ".join(problems)


def test_a_publisher_decides_a_conflict_from_the_queue(live_server, contested_case, new_page, shots):
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[PUBLISHER]))
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("admin:cases_claim_changelist"))
    assert response.ok, response.status
    page.screenshot(path=shots / "claims-queue-1366.png", full_page=True)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3  # the detention date's conflict, the charge's stage and its offence date
    assert all("can change a risk level" in row.inner_text() for row in rows.all())
    detention = rows.filter(has_text="detention date")
    detention.locator("th a, td a").first.click()
    page.screenshot(path=shots / "claim-decide-1366.png", full_page=True)
    page.get_by_label("accept this value: it becomes the registry's").check()
    page.locator("textarea[name=decision_note]").fill("The lawyer confirmed the 12th.")
    page.locator("input[name=_save]").click()

    claim = Claim.objects.get(fact="case.detention_date", value__date="2022-03-12")
    contested_case.refresh_from_db()
    assert claim.state == "accepted" and contested_case.detention_date == D(2022, 3, 12)
    assert not csp, csp
    assert not blocking_violations(page)


def test_the_import_page_asks_whose_word_the_file_is_and_masks_a_confidential_source(
    live_server, new_page, shots, law
):
    SourceFactory(title="Synthetic lawyer's table", confidential=False)
    secret = SourceFactory(title="Synthetic informant CANARYimportpage", confidential=True, url="")
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[PUBLISHER]))
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("admin:cases_importrun_import"))
    assert response.ok, response.status
    page.screenshot(path=shots / "import-source-1366.png", full_page=True)

    options = page.get_by_label("Source").locator("option").all_inner_texts()
    problems = []
    if "Synthetic lawyer's table" not in " ".join(options):
        problems.append(f"the public source is not offered: {options}")
    if any("CANARYimportpage" in o for o in options) or not any(
        str(secret.public_id)[:8] in o for o in options
    ):
        problems.append(f"the confidential source is not masked: {options}")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s)")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, "; ".join(problems)


def test_a_released_persons_timeline_footnotes_the_release_and_tells_the_other_day(
    live_server, new_page, shots, law
):
    case = CaseFactory(
        person=PersonFactory(
            names=[("Janka Vyzvaleny", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, True)]
        ),
        detention_date=D(2021, 5, 3),
        status=choices.CaseStatus.PARDONED,
    )
    statement = SourceFactory(title="Synthetic statement on the pardon", published_on=D(2025, 9, 11))
    channel = SourceFactory(title="Synthetic channel post", published_on=D(2025, 9, 13))
    claims.record_claim(
        fact="case.released_on", person=case.person, case=case, value="2025-09-11", source=statement
    )
    claims.record_claim(
        fact="case.released_on", person=case.person, case=case, value="2025-09-12", source=channel
    )
    services.publish_person(person=case.person)
    page = new_page(viewport=LAPTOP)
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("public:person-detail", kwargs={"slug": case.person.slug}))
    assert response.ok, response.status
    page.screenshot(path=shots / "person-release-1366.png", full_page=True)

    release = page.locator("ol.timeline li", has_text="released").inner_text()
    assert "September 11, 2025" in release or "Sept. 11, 2025" in release, release
    assert "[1]" in release and "sources disagree:" in release and "[2]" in release, release
    assert not csp, csp
    assert not blocking_violations(page)


# Claims on facility stays and the sources of each spelling of a name (issue 18) ---------------

SHOTS_18 = Path("/tmp/shots18")  # noqa: S108 - where the reviewer looks for them


@pytest.fixture
def shots_18() -> Path:
    SHOTS_18.mkdir(parents=True, exist_ok=True)
    return SHOTS_18


def test_a_publisher_sees_every_sources_last_day_of_a_past_stay_and_the_stays_precision_on_the_case(
    live_server, new_page, shots_18, law
):
    case = CaseFactory(
        person=PersonFactory(
            names=[("Symon Pieravodny", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, True)]
        ),
        detention_date=D(2021, 3, 1),
    )
    sizo = FacilityFactory(name_en="Synthetic pre-trial centre No. 88")
    colony = FacilityFactory(kind=choices.FacilityKind.COLONY, name_en="Synthetic colony No. 88")
    first = services.transfer_person(case=case, facility=sizo, on=D(2021, 3, 3))
    services.transfer_person(case=case, facility=colony, on=D(2021, 9, 14))
    first.refresh_from_db()
    assert first.end_date == D(2021, 9, 14)
    report = SourceFactory(title="Synthetic report on the transfer")
    letter = SourceFactory(title="Synthetic letter from the colony")
    claims.record_claim(  # agrees with the day the transfer ended the stay
        fact="stay.end_date",
        person=case.person,
        case=case,
        stay=first,
        value={"date": "2021-09-14", "precision": "day"},
        source=report,
    )
    conflict = claims.record_claim(
        fact="stay.end_date",
        person=case.person,
        case=case,
        stay=first,
        value={"date": "2021-09-01", "precision": "month"},
        source=letter,
    )
    assert conflict.state == choices.ClaimState.CONFLICTING
    page = _logged_in_page(new_page, live_server, UserFactory(groups=[PUBLISHER]))
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("admin:cases_claim_add"))
    assert response.ok, response.status
    problems = []
    if not page.locator("select[name=stay]").count():
        problems.append("the Claims add page has no stay field")

    response = page.goto(live_server.url + reverse("admin:cases_claim_change", args=[conflict.pk]))
    assert response.ok, response.status
    page.screenshot(path=shots_18 / "stay-claim-1366.png", full_page=True)
    every_claim = page.locator(".field-other_claims").inner_text()
    if "September 2021" not in every_claim or "14 September 2021" not in every_claim:
        problems.append(f"every claim on this fact does not give both last days: {every_claim!r}")
    if "Synthetic letter from the colony" not in every_claim or "Synthetic report on the transfer" not in (
        every_claim
    ):
        problems.append(f"every claim on this fact does not name both sources: {every_claim!r}")
    if "Synthetic pre-trial centre No. 88" not in page.locator(".field-stay").inner_text():
        problems.append("the claim's page does not say which stay it is on")

    response = page.goto(live_server.url + reverse("admin:cases_case_change", args=[case.pk]))
    assert response.ok, response.status
    stays = page.locator("#stays-group")
    stays.scroll_into_view_if_needed()
    stays.screenshot(path=shots_18 / "case-stays-1366.png")
    headers = " ".join(stays.locator("thead th").all_inner_texts()).lower()
    if "start date precision" not in headers or "end date precision" not in headers:
        problems.append(f"the stays rows lack the precision columns: {headers!r}")
    if stays.locator("tbody tr.has_original, tbody tr.dynamic-stays").count() < 2:
        problems.append("the case page does not list both stays")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize(("size", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_the_person_page_footnotes_the_first_day_of_the_stay_and_each_spelling_with_their_sources(
    live_server, new_page, shots_18, law, size, viewport
):
    # Made through the services (unlike CaseFactory), so the case is assessed: no "under review".
    case = _make_person(
        ("Васіль Пераклады", "Василий Переводный", "Vasil Pierakladny"),
        region_code="grodno",
        detention_date=D(2021, 3, 1),
        status=choices.CaseStatus.DETAINED,
    )
    person = case.person
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2021, 3, 3))
    colony = FacilityFactory(kind=choices.FacilityKind.COLONY, name_en="Synthetic colony No. 77")
    held_now = services.transfer_person(case=case, facility=colony, on=D(2022, 1, 10))
    letter = SourceFactory(
        confidential=False, title="Synthetic letter from colony No. 77", published_on=D(2022, 2, 1)
    )
    weekly = SourceFactory(
        confidential=False, title="Synthetic Weekly, 20 January 2022", published_on=D(2022, 1, 20)
    )
    for source, day in ((letter, "2022-01-10"), (weekly, "2022-01-17")):
        claims.record_claim(
            fact="stay.start_date",
            person=person,
            case=case,
            stay=held_now,
            value={"date": day, "precision": "day"},
            source=source,
        )
    russian = person.names.get(script=choices.Script.RU_CYRILLIC)
    belarusian = person.names.get(script=choices.Script.BE_CYRILLIC)
    services.cite_person_name(name=russian, source=weekly, as_of=D(2022, 1, 20))
    services.cite_person_name(name=russian, source=letter, as_of=D(2022, 2, 1))
    services.cite_person_name(name=belarusian, source=letter, as_of=D(2022, 2, 1))
    page = new_page(viewport=viewport)
    csp = _csp_reports(page)

    response = page.goto(live_server.url + reverse("public:person-detail", kwargs={"slug": person.slug}))
    assert response.ok, response.status
    page.screenshot(path=shots_18 / f"person-stay-names-{size}.png", full_page=True)

    problems = []
    held = page.locator("section.case h3:has-text('Place of detention') + p")
    held_text = held.inner_text()
    if held.locator("sup.ref a[href^='#source-']").count() < 1:
        problems.append(f"the place of detention has no footnote: {held_text!r}")
    since = held_text[held_text.find("since") :]
    if "January 10, 2022" not in since and "Jan. 10, 2022" not in since:
        problems.append(f"'since' does not give the stay's first day: {held_text!r}")
    if "sources disagree:" not in since or "Jan. 17, 2022" not in since and "January 17, 2022" not in since:
        problems.append(f"'since' does not tell the weekly's other day: {held_text!r}")
    also = page.locator("dl.facts dt:has-text('Also written') + dd")
    also_text = also.inner_text()
    if russian.text not in also_text or belarusian.text not in also_text:
        problems.append(f"'Also written' does not give both other spellings: {also_text!r}")
    if also.locator("sup.ref a[href^='#source-']").count() < 3:  # Russian: two sources, Belarusian: one
        problems.append(f"'Also written' does not footnote each spelling's sources: {also_text!r}")
    sources = page.locator("ol.sources").inner_text()
    if letter.title not in sources or weekly.title not in sources:
        problems.append(f"the sources list misses the stay's or the names' sources: {sources!r}")
    held.locator("sup.ref a").first.click()
    if not page.evaluate("location.hash").startswith("#source-"):
        problems.append("the stay's footnote does not lead to its source")
    if overflow := _page_overflow(page):
        problems.append(f"the page scrolls sideways (scrollWidth, innerWidth) = {overflow}")
    if csp:
        problems.append(f"the Content Security Policy blocked {len(csp)} inline style(s): {csp[0][:110]}…")
    violations = blocking_violations(page)
    if violations:
        problems.append("axe-core: " + json.dumps(violations, ensure_ascii=False, indent=2))
    assert not problems, f"person page at {size} px: " + "; ".join(problems)
