"""What a reader does on the public site: search, filter, open a person, switch language, find
where to send a letter. Each test asserts what the reader sees on the page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

RESULT_NAMES = "table.people tbody th a"


def _search(page, **fields):
    """Fill the filter form of the list page and submit it with its own button."""
    form = page.locator("form.filters")
    for name, value in fields.items():
        if name == "region":
            form.locator("#region").select_option(label=value)
        else:
            form.locator(f"#{name}").fill(value)
    form.get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def _result_names(page) -> list[str]:
    return page.locator(RESULT_NAMES).all_inner_texts()


def test_search_in_latin_finds_a_person_recorded_in_cyrillic(live_server, registry, page, new_page):
    page.goto(f"{live_server.url}/people/")
    expect(page.locator(RESULT_NAMES)).to_have_count(11)

    _search(page, q="Aliaksandr")

    assert _result_names(page) == ["Aliaksandr Vymyslau"]
    expect(page.locator(".result-count")).to_contain_text("1 person found")
    # Neither the draft "Aliaksandr Charnavik" nor the published "Aliaksei" comes up.
    expect(page.locator("main")).not_to_contain_text("Charnavik")
    expect(page.locator("main")).not_to_contain_text("Aliaksei")

    belarusian = new_page()
    belarusian.goto(f"{live_server.url}/be/people/")
    belarusian.locator("#q").fill("Aliaksandr")
    belarusian.locator("form.filters").get_by_role("button", name="Шукаць").click()
    belarusian.wait_for_load_state()

    assert _result_names(belarusian) == ["Аляксандр Вымыслаў"]


def test_filters_by_region_and_article_leave_only_matching_people(live_server, registry, page):
    page.goto(f"{live_server.url}/people/")

    _search(page, region="Grodno Region")
    assert _result_names(page) == ["Aliaksandr Vymyslau"]  # the draft in Grodno is not listed
    expect(page.locator("#region")).to_have_value("grodno")

    page.goto(f"{live_server.url}/people/")
    _search(page, article="218.2")
    # Aliaksandr's 218.2 was reclassified: only a current charge counts.
    assert _result_names(page) == ["Andrei Kazkavy"]

    page.goto(f"{live_server.url}/people/")
    _search(page, article="289.3")
    assert _result_names(page) == ["Aliaksandr Vymyslau"]

    page.goto(f"{live_server.url}/people/")
    _search(page, region="Brest Region", article="342.1")
    assert _result_names(page) == ["Aliaksei Vydumkin"]
    expect(page.locator(".result-count")).to_contain_text("1 person found")

    page.goto(f"{live_server.url}/people/")
    _search(page, article="342.1")
    assert sorted(_result_names(page)) == [
        "Ales Prydumany",
        "Aliaksei Vydumkin",
        "Hanna Ujaunaja",
        "Iryna Vydumanaja",
        "Maryna Niaisnaja",
        "Volha Mifichnaja",
    ]


def test_person_opened_from_the_list_shows_reclassification_risk_and_charges(live_server, registry, page):
    page.goto(f"{live_server.url}/people/")

    page.get_by_role("link", name="Aliaksandr Vymyslau").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/people/{registry.slug}/"
    expect(page.locator("h1")).to_have_text("Aliaksandr Vymyslau")
    banner = page.locator(".banner-danger")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner.locator(".banner-title")).to_contain_text(
        re.compile(r"(Elevated|Critical) risk of the death")
    )
    assert banner.locator("li").count() >= 1, "the banner gives no reasons in plain words"
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("from art. 218 part 2 to art. 289 part 3 on June 15, 2022")
    expect(timeline.locator("li").first).to_contain_text("March 1, 2022 detained")
    expect(timeline).to_contain_text("transferred: Pre-trial detention centre No. 99, Grodno")
    charges = page.locator("ul.charges")
    expect(charges.locator("li")).to_have_count(1)
    expect(charges).to_contain_text("art. 289 part 3")
    expect(charges).not_to_contain_text("art. 218")
    expect(page.locator("dl.facts").first).to_contain_text("Grodno Region")
    expect(page.locator("dl.facts").first).to_contain_text("Аляксандр Вымыслаў")


def test_language_switcher_changes_interface_and_the_script_of_the_name(live_server, registry, page):
    page.goto(f"{live_server.url}/people/{registry.slug}/")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()

    page.locator("nav.language-switcher").get_by_role("link", name="Беларуская").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/be/people/{registry.slug}/"
    expect(page.locator("html")).to_have_attribute("lang", "be")
    expect(page.locator("h1")).to_have_text("Аляксандр Вымыслаў")
    expect(page.get_by_role("heading", name="Храналогія")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("з ч. 2 арт. 218 на ч. 3 арт. 289")
    expect(page.locator(".banner-danger")).to_contain_text("рызыка смяротнага пакарання")
    expect(page.locator("nav.language-switcher a[aria-current='page']")).to_have_text("Беларуская")

    page.locator("nav.language-switcher").get_by_role("link", name="Русский").click()
    page.wait_for_load_state()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("Александр Вымыслов")
    expect(page.get_by_role("heading", name="Хронология")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("с ч. 2 ст. 218 на ч. 3 ст. 289")
    expect(page.locator(".banner-danger")).to_contain_text("риск смертной казни")

    # The choice sticks: the site's links stay in Russian.
    page.locator("nav.site-nav").get_by_role("link", name="Люди").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Люди")
    expect(page.locator(RESULT_NAMES).filter(has_text="Александр Вымыслов")).to_have_count(1)


def test_letter_address_leads_to_the_facility_page_with_the_cyrillic_postal_address(
    live_server, registry, page
):
    page.goto(f"{live_server.url}/people/{registry.slug}/")
    letters = page.locator("address.postal")
    expect(letters).to_contain_text("ул. Вымышленная, 1")
    expect(letters).to_contain_text("230000, г. Гродно")
    # Letters are addressed in Russian, whatever the page's language.
    expect(letters).to_contain_text("Александр Вымыслов")
    expect(page.locator(".letters-note")).to_contain_text("How to write")

    page.get_by_role("link", name="Pre-trial detention centre No. 99, Grodno").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/facilities/{registry.facility_slug}/"
    expect(page.locator("h1")).to_have_text("Pre-trial detention centre No. 99, Grodno")
    address = page.locator("address.postal")
    expect(address).to_have_attribute("lang", "ru")
    # Line by line, as it must be copied onto an envelope.
    assert address.inner_text().splitlines() == ["ул. Вымышленная, 1", "230000, г. Гродно", "СИЗО № 99"]
    held = page.locator("ul.columns li")
    expect(held).to_have_count(1)
    expect(held).to_have_text("Aliaksandr Vymyslau")
