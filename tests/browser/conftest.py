"""Browser tests: Playwright's sync API driving Debian's Chromium against Django's live server.

Every test here is transactional: the live server answers from another thread, so the data must
be committed to be seen. The data is created through `cases.services` before a page is opened.
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache

from cases import choices, services
from cases.models import Facility, Source
from cases.services import NameSpec
from tests.factories import article, jurisdiction

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
D = datetime.date

BE, RU, LATIN = choices.Script.BE_CYRILLIC, choices.Script.RU_CYRILLIC, choices.Script.LATIN
OFFICIAL_BE, OFFICIAL_RU = choices.NameKind.OFFICIAL_BE, choices.NameKind.OFFICIAL_RU
PASSPORT = choices.NameKind.PASSPORT_LATIN

# The person the tests follow; every name in this file is invented.
ALIAKSANDR = ("Аляксандр Вымыслаў", "Александр Вымыслов", "Aliaksandr Vymyslau")
POSTAL_ADDRESS = "ул. Вымышленная, 1\n230000, г. Гродно\nСИЗО № 99"
# The other published people: Latin name -> (Belarusian, Russian) names, then their cases as
# (Latin name, region code, current articles, detention date, status). Five are held under
# art. 342 and five were detained in 2022, so the statistics page draws bars, not only "fewer than 5".
OTHER_NAMES = {
    "Ales Prydumany": ("Алесь Прыдуманы", "Алесь Придуманный"),
    "Aliaksei Vydumkin": ("Аляксей Выдумкін", "Алексей Выдумкин"),
    "Maryna Niaisnaja": ("Марына Няісная", "Марина Неистая"),
    "Zmitser Kazachny": ("Зміцер Казачны", "Дмитрий Сказочный"),
    "Hanna Ujaunaja": ("Ганна Уяўная", "Анна Воображаемая"),
    "Pavel Neisnujuchy": ("Павел Неіснуючы", "Павел Несуществующий"),
    "Iryna Vydumanaja": ("Ірына Выдуманая", "Ирина Выдуманная"),
    "Siarhei Fantazior": ("Сяргей Фантазёр", "Сергей Фантазёр"),
    "Volha Mifichnaja": ("Вольга Міфічная", "Ольга Мифическая"),
    "Andrei Kazkavy": ("Андрэй Казкавы", "Андрей Сказочный"),
}
OTHER_CASES = [
    ("Ales Prydumany", "minsk", ["342.1"], D(2021, 1, 14), "convicted"),
    ("Aliaksei Vydumkin", "brest", ["342.1"], D(2022, 6, 2), "detained"),
    ("Maryna Niaisnaja", "gomel", ["361-1.1", "342.1"], D(2022, 9, 5), "on_trial"),
    ("Zmitser Kazachny", "vitebsk", ["130.3"], D(2020, 11, 20), "convicted"),
    ("Hanna Ujaunaja", "mogilev", ["342.1"], D(2023, 2, 7), "released"),
    ("Pavel Neisnujuchy", "minsk-region", ["289.1"], D(2022, 3, 4), "detained"),
    ("Iryna Vydumanaja", "minsk", ["342.1"], D(2024, 4, 18), "on_trial"),
    ("Siarhei Fantazior", "brest", ["130.3"], D(2021, 8, 30), "convicted"),
    ("Volha Mifichnaja", "vitebsk", ["342.1"], D(2022, 12, 1), "detained"),
    ("Andrei Kazkavy", "gomel", ["218.2"], D(2023, 7, 11), "detained"),
]
WOMEN = {"Maryna Niaisnaja", "Hanna Ujaunaja", "Iryna Vydumanaja", "Volha Mifichnaja"}
# Shares a first name with the person the tests follow, but is a draft: never on a public page.
DRAFT = ("Аляксандр Чарнавік", "Александр Черновик", "Aliaksandr Charnavik")


@dataclass(frozen=True)
class Registry:
    """What the tests look for: the followed person's page address and their facility's."""

    slug: str
    facility_slug: str


def _make_person(names, *, region_code, detention_date, status, female=False, publish=True):
    be, ru, latin = names
    person = services.create_person(
        names=[
            NameSpec(be, BE, OFFICIAL_BE, is_primary=True),
            NameSpec(ru, RU, OFFICIAL_RU),
            NameSpec(latin, LATIN, PASSPORT),
        ],
        region=jurisdiction().regions.get(code=region_code),
        sex=choices.Sex.FEMALE if female else choices.Sex.MALE,
        birth_date=D(1988, 6, 15),
        birth_date_precision=choices.DatePrecision.DAY,
        is_official_or_military=False,
    )
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=detention_date, status=status
    )
    if publish:
        services.publish_person(person=person)
    return case


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright_loop():
    """Playwright's sync API runs an asyncio event loop in the test thread for as long as the
    browser is open. Django sees that running loop and refuses ORM calls from this thread
    (SynchronousOnlyOperation), although the test code is plain synchronous code that never
    shares a connection with a coroutine. Allow it for the browser tests only, and restore the
    variable afterwards so that the check stays on for the rest of the suite."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(allow_orm_beside_playwright_loop):
    """One Chromium for the whole module; each test opens its own context and page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def empty_cache():
    """The page cache lives in this process and would outlive the flushed database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_page(browser):
    """Open a fresh context (no cookies, so English) with a viewport; closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def registry(law) -> Registry:
    """Aliaksandr's case in Grodno region with 218.2 reclassified to 289.3 (so at risk of death),
    held in a facility with a Cyrillic postal address; ten other published people; one draft."""
    source = services.save_detail(
        instance=Source(
            kind=choices.SourceKind.PUBLICATION,
            title="Synthetic report on the Vymyslau case",
            url="https://example.org/synthetic/vymyslau",
            confidential=False,
        )
    )
    facility = services.save_detail(
        instance=Facility(
            jurisdiction=jurisdiction(),
            slug="sizo-99-grodno",
            kind=choices.FacilityKind.PRE_TRIAL,
            name_en="Pre-trial detention centre No. 99, Grodno",
            name_be="СІЗА № 99, Гродна",
            name_ru="СИЗО № 99, Гродно",
            region=jurisdiction().regions.get(code="grodno"),
            postal_address=POSTAL_ADDRESS,
        )
    )
    case = _make_person(ALIAKSANDR, region_code="grodno", detention_date=D(2022, 3, 1), status="detained")
    charge = services.add_charge(
        case=case,
        article=article("218.2"),
        offence_date=D(2022, 2, 20),
        charged_on=D(2022, 3, 2),
        source=source,
    )
    services.transfer_person(case=case, facility=facility, on=D(2022, 3, 3))
    # On commit the reclassification queues the risk assessment, which runs in-process.
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 15), source=source)

    for latin, region_code, notations, detained, status in OTHER_CASES:
        other = _make_person(
            (*OTHER_NAMES[latin], latin),
            region_code=region_code,
            detention_date=detained,
            status=status,
            female=latin in WOMEN,
        )
        for notation in notations:
            services.add_charge(case=other, article=article(notation), charged_on=detained, source=source)

    _make_person(DRAFT, region_code="grodno", detention_date=D(2022, 3, 1), status="detained", publish=False)
    case.refresh_from_db()
    assert case.risk_status in {"elevated", "critical"}, (
        f"the risk banner needs a risk; got {case.risk_status}"
    )
    return Registry(
        slug=case.person.slug,
        facility_slug=facility.slug,
    )
