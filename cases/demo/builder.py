"""Deterministic synthetic demo data, written through `cases.services` only.

Every person here is invented: surnames are built from invented stems with Belarusian, Russian
and Latin endings, combined with common given names, so no record can be mistaken for a real
detainee. Facilities carry kinds and real city names but invented numbers and addresses; sources
point at example.org. The same seed on an empty database gives the same names, dates, articles
and structure (slugs and UUIDs are random by design). Dates are fixed: nothing reads the clock,
and no fact is later than `LATEST_DATE`.

The data follows the documented patterns of RISK_RULES.md (property damage escalated to
terrorism for co-defendants in Hrodna region, the railway arson of February 2022, escalation
without terrorism in 2020-2021), has one death sentence, and a few reclassifications into
terrorism or treason in October 2026, which the 90-day rule reports until its window
closes, between the end of December 2026 and the end of January 2027.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, fields

from cases import choices, services
from cases.models import (
    Article,
    Case,
    DesignationList,
    Facility,
    FacilityStay,
    Jurisdiction,
    Region,
    Release,
    Source,
)
from cases.sentences import expected_release_date
from cases.services import NameSpec
from cases.transfer.announced_lists import read_list

D = datetime.date
FIRST_DETENTION = D(2020, 8, 9)  # the presidential election that began the wave of arrests
LAST_DETENTION = D(2025, 12, 31)
LATEST_DATE = D(2026, 11, 1)  # no demo fact is later than this (the hearings to come are after it)
OPEN_HEARING_NOTE = "Supporters may come; arrive early for the queue (invented)."
MARKER = "(synthetic demo data)"


class DemoDataError(RuntimeError):
    """The demo data cannot be built here (e.g. the law data is not loaded)."""


@dataclass
class DemoReport:
    """What `build_demo` created."""

    people: int = 0
    cases: int = 0
    charges: int = 0
    reclassifications: int = 0
    facilities: int = 0
    sources: int = 0
    published: int = 0

    def lines(self) -> list[str]:
        return [f"{f.name}: {getattr(self, f.name)}" for f in fields(self)]


# Names ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GivenName:
    """A common given name in its Belarusian, Russian and passport Latin forms."""

    be: str
    ru: str
    latin: str
    latin_variant: str = ""  # another Latin spelling seen in lists and the press
    nickname: str = ""  # a Belarusian short form, recorded as an alias
    female: bool = False


MALE_NAMES = (
    GivenName("Аляксандр", "Александр", "Aliaksandr", "Alyaksandr", "Алесь"),
    GivenName("Сяргей", "Сергей", "Siarhei", "Sergei", "Сярожа"),
    GivenName("Дзмітрый", "Дмитрий", "Dzmitry", "Dmitry", "Дзіма"),
    GivenName("Уладзімір", "Владимир", "Uladzimir", "Vladimir", "Валодзя"),
    GivenName("Мікалай", "Николай", "Mikalai", "Nikolai", "Мікола"),
    GivenName("Ігар", "Игорь", "Ihar", "Igor"),
    GivenName("Павел", "Павел", "Paval", "Pavel", "Паша"),
    GivenName("Андрэй", "Андрей", "Andrei", "Andrey"),
    GivenName("Віктар", "Виктор", "Viktar", "Viktor", "Віця"),
    GivenName("Алег", "Олег", "Aleh", "Oleg"),
    GivenName("Юрый", "Юрий", "Yury", "Yuri", "Юра"),
    GivenName("Максім", "Максим", "Maksim", "Maxim", "Макс"),
    GivenName("Раман", "Роман", "Raman", "Roman", "Рома"),
    GivenName("Яўген", "Евгений", "Yauhen", "Evgeny", "Жэня"),
    GivenName("Антон", "Антон", "Anton"),
)
FEMALE_NAMES = (
    GivenName("Ганна", "Анна", "Hanna", "Anna", "Ганулька", female=True),
    GivenName("Вольга", "Ольга", "Volha", "Olga", "Воля", female=True),
    GivenName("Кацярына", "Екатерина", "Katsiaryna", "Ekaterina", "Каця", female=True),
    GivenName("Марыя", "Мария", "Maryia", "Maria", "Маша", female=True),
    GivenName("Алена", "Елена", "Alena", "Elena", "Лена", female=True),
    GivenName("Наталля", "Наталья", "Natallia", "Natalia", "Наташа", female=True),
    GivenName("Таццяна", "Татьяна", "Tatsiana", "Tatiana", "Таня", female=True),
    GivenName("Ірына", "Ирина", "Iryna", "Irina", female=True),
    GivenName("Святлана", "Светлана", "Sviatlana", "Svetlana", "Света", female=True),
    GivenName("Юлія", "Юлия", "Yuliya", "Yulia", female=True),
)

# Surname endings: (be, ru, latin) for a man, then for a woman. Belarusian writes -аў, -скі,
# -ава where Russian writes -ов, -ский, -ова (NAMES.md).
ENDINGS = {
    "enka": (("энка", "енко", "enka"), ("энка", "енко", "enka")),
    "ski": (("скі", "ский", "ski"), ("ская", "ская", "skaya")),
    "tski": (("цкі", "цкий", "tski"), ("цкая", "цкая", "tskaya")),
    "au": (("аў", "ов", "au"), ("ава", "ова", "ava")),
    "in": (("ін", "ин", "in"), ("іна", "ина", "ina")),
    "ich": (("іч", "ич", "ich"), ("іч", "ич", "ich")),
    "uk": (("ук", "ук", "uk"), ("ук", "ук", "uk")),
    "ionak": (("ёнак", "ёнок", "ionak"), ("ёнак", "ёнок", "ionak")),
}


@dataclass(frozen=True)
class SurnameStem:
    """An invented surname stem in its Belarusian, Russian and Latin forms, with its ending."""

    be: str
    ru: str
    latin: str
    ending: str


SURNAME_STEMS = (
    SurnameStem("Клыбач", "Клыбач", "Klybach", "enka"),
    SurnameStem("Равуш", "Ровуш", "Ravush", "enka"),
    SurnameStem("Тарлыч", "Торлыч", "Tarlych", "enka"),
    SurnameStem("Шчарбач", "Щербач", "Shcharbach", "enka"),
    SurnameStem("Кудраш", "Кудраш", "Kudrash", "enka"),
    SurnameStem("Зарамбоў", "Зарамбов", "Zarambou", "ski"),
    SurnameStem("Лышчын", "Лыщин", "Lyshchyn", "ski"),
    SurnameStem("Падгай", "Подгай", "Padhai", "ski"),
    SurnameStem("Ружані", "Ружани", "Ruzhani", "tski"),
    SurnameStem("Жыграні", "Жиграни", "Zhyhrani", "tski"),
    SurnameStem("Курзан", "Курзан", "Kurzan", "au"),
    SurnameStem("Бадыл", "Бодыл", "Badyl", "au"),
    SurnameStem("Цвіркун", "Цвиркун", "Tsvirkun", "au"),
    SurnameStem("Грабян", "Гребен", "Hrabian", "au"),
    SurnameStem("Каржан", "Коржан", "Karzhan", "in"),
    SurnameStem("Цяпляш", "Тепляш", "Tsiapliash", "in"),
    SurnameStem("Стрыжэв", "Стрижев", "Stryzhev", "ich"),
    SurnameStem("Ламакав", "Ломаков", "Lamakav", "ich"),
    SurnameStem("Лаўрынч", "Лавринч", "Laurynch", "uk"),
    SurnameStem("Сцяпанч", "Степанч", "Stsiapanch", "uk"),
    SurnameStem("Мурав", "Мурав", "Murav", "ionak"),
    SurnameStem("Хмялеўск", "Хмелевск", "Khmialeusk", "ionak"),
)


def surname_forms(stem: SurnameStem, *, female: bool) -> tuple[str, str, str]:
    """The (be, ru, latin) forms of a surname, feminine where the ending has one."""
    be, ru, latin = ENDINGS[stem.ending][1 if female else 0]
    return stem.be + be, stem.ru + ru, stem.latin + latin


def all_surnames() -> list[str]:
    """Every surname form the builder can produce, both sexes."""
    return [
        form
        for stem in SURNAME_STEMS
        for female in (False, True)
        for form in surname_forms(stem, female=female)
    ]


# Places ---------------------------------------------------------------------------------------

# fmt: off
# region code -> (cities as (en, ru, be), weight among the people)
REGIONS = {
    "minsk": ((("Minsk", "Минск", "Мінск"),), 30),
    "minsk-region": ((("Barysau", "Борисов", "Барысаў"), ("Maladzechna", "Молодечно", "Маладзечна"),
                      ("Salihorsk", "Солигорск", "Салігорск")), 12),
    "brest": ((("Brest", "Брест", "Брэст"), ("Pinsk", "Пинск", "Пінск"),
               ("Baranavichy", "Барановичи", "Баранавічы")), 11),
    "vitebsk": ((("Vitebsk", "Витебск", "Віцебск"), ("Polatsk", "Полоцк", "Полацк"),
                 ("Orsha", "Орша", "Орша")), 12),
    "gomel": ((("Gomel", "Гомель", "Гомель"), ("Mazyr", "Мозырь", "Мазыр"),
               ("Rechytsa", "Речица", "Рэчыца")), 13),
    "grodno": ((("Grodno", "Гродно", "Гродна"), ("Lida", "Лида", "Ліда"),
                ("Slonim", "Слоним", "Слонім")), 11),
    "mogilev": ((("Mogilev", "Могилёв", "Магілёў"), ("Babruisk", "Бобруйск", "Бабруйск")), 11),
}
COURTS = {
    "minsk": "Минский городской суд", "minsk-region": "Минский областной суд",
    "brest": "Брестский областной суд", "vitebsk": "Витебский областной суд",
    "gomel": "Гомельский областной суд", "grodno": "Гродненский областной суд",
    "mogilev": "Могилёвский областной суд",
}
INVESTIGATORS = ("Следственный комитет", "КГБ", "ГУБОПиК МВД")

# Invented facilities: the kinds and cities are real, the numbers and addresses are not.
# (slug, kind, regime, region, name en, name ru, name be, postal address)
FACILITIES = (
    ("demo-sizo-minsk", "sizo", "", "minsk", "Pre-trial detention centre No. 11, Minsk",
     "СИЗО № 11, г. Минск", "СІЗА № 11, г. Мінск", "ул. Садовая, 27, 220041, г. Минск"),
    ("demo-sizo-gomel", "sizo", "", "gomel", "Pre-trial detention centre No. 13, Gomel",
     "СИЗО № 13, г. Гомель", "СІЗА № 13, г. Гомель", "ул. Заводская, 9, 246012, г. Гомель"),
    ("demo-sizo-grodno", "sizo", "", "grodno", "Pre-trial detention centre No. 12, Grodno",
     "СИЗО № 12, г. Гродно", "СІЗА № 12, г. Гродна", "ул. Полевая, 14, 230023, г. Гродно"),
    ("demo-colony-31", "colony", "general", "vitebsk", "Correctional colony No. 31, Orsha",
     "ИК № 31, г. Орша", "ПК № 31, г. Орша", "ул. Лесная, 3, 211391, г. Орша"),
    ("demo-colony-32", "colony", "reinforced", "mogilev", "Correctional colony No. 32, Babruisk",
     "ИК № 32, г. Бобруйск", "ПК № 32, г. Бабруйск", "ул. Речная, 41, 213809, г. Бобруйск"),
    ("demo-colony-33", "colony", "strict", "minsk-region", "Correctional colony No. 33, Salihorsk",
     "ИК № 33, г. Солигорск", "ПК № 33, г. Салігорск", "ул. Школьная, 18, 223716, г. Солигорск"),
    ("demo-colony-34", "colony", "general", "gomel", "Women's correctional colony No. 34, Rechytsa",
     "ИК № 34 (женская), г. Речица", "ПК № 34 (жаночая), г. Рэчыца", "ул. Садовая, 52, 247503, г. Речица"),
    ("demo-prison-12", "prison", "prison", "mogilev", "Prison No. 12, Mogilev",
     "Тюрьма № 12, г. Могилёв", "Турма № 12, г. Магілёў", "ул. Заводская, 6, 212011, г. Могилёв"),
)
SIZO_BY_REGION = {
    "minsk": "demo-sizo-minsk", "minsk-region": "demo-sizo-minsk", "vitebsk": "demo-sizo-minsk",
    "mogilev": "demo-sizo-gomel", "gomel": "demo-sizo-gomel",
    "grodno": "demo-sizo-grodno", "brest": "demo-sizo-grodno",
}
COLONY_BY_REGIME = {"general": "demo-colony-31", "reinforced": "demo-colony-32", "strict": "demo-colony-33"}
WOMENS_COLONY = "demo-colony-34"
PRISON = "demo-prison-12"

OCCUPATIONS = (
    "IT specialist", "teacher", "doctor", "engineer", "driver", "student", "journalist", "entrepreneur",
    "factory worker", "nurse", "musician", "builder", "accountant", "programmer", "electrician",
    "shop assistant", "farmer", "designer", "scientist",
)
OFFICIAL_OCCUPATIONS = (
    "retired army officer", "district administration official", "police officer (dismissed)",
    "customs officer", "military serviceman",
)

# Charges, as (notation, weight): "361-1.2" is art. 361-1 part 2, "368" an article without parts.
PROTEST_ARTICLES = (
    ("342.1", 40), ("293.2", 8), ("293.1", 2), ("339.2", 6), ("363.1", 6), ("364", 7), ("369", 9),
    ("368", 4), ("130.3", 4), ("361.1", 3), ("370", 3), ("218.2", 3),
)
LATER_ARTICLES = (
    ("342.1", 18), ("361-4.1", 12), ("361-1.2", 12), ("361-1.1", 3), ("130.3", 8), ("369", 10), ("368", 8),
    ("367", 3), ("361.3", 5), ("361.1", 3), ("356.1", 3), ("361-2", 3), ("370", 2), ("391", 1), ("130-1", 1),
    ("361-4.2", 1), ("293.1", 2),
)
ABSENTIA_ARTICLES = (
    ("361-1.1", 6), ("361.3", 5), ("130.3", 4), ("357.1", 3), ("361-4.1", 3), ("356.1", 2), ("369", 2),
    ("367", 2),
)
# Articles where lists often record a preparation or an attempt.
INCHOATE = {"293.1": "preparation", "218.2": "attempt", "364": "attempt"}
# Everyday reclassifications to a graver part or article.
ESCALATIONS = {
    "342.1": "293.2", "369": "368", "361.1": "361.3", "361-4.1": "361-1.2", "339.2": "339.3", "363.1": "364",
}
# Reclassifications into terrorism or treason in autumn 2026, inside the 90-day window:
# (from, to, new stage or None to keep it).
RECENT_ESCALATIONS = (("218.2", "289.1", None), ("361.3", "356.1", None), ("289.1", "289.3", "attempt"))

# How the other people's cases stand, with weights.
STATUS_WEIGHTS = (
    (choices.CaseStatus.CONVICTED, 40), (choices.CaseStatus.RELEASED, 22), (choices.CaseStatus.PARDONED, 8),
    (choices.CaseStatus.DEPORTED, 5), (choices.CaseStatus.DETAINED, 7), (choices.CaseStatus.ON_TRIAL, 5),
    (choices.CaseStatus.HOUSE_ARREST, 2), (choices.CaseStatus.SENTENCED_IN_ABSENTIA, 6),
    (choices.CaseStatus.WANTED, 3), (choices.CaseStatus.DIED_IN_CUSTODY, 1),
)
PUBLICATION_WEIGHTS = (
    (choices.PublicationState.PUBLISHED, 85), (choices.PublicationState.DRAFT, 10),
    (choices.PublicationState.WITHDRAWN, 5),
)
PRECISION_WEIGHTS = (
    (choices.DatePrecision.DAY, 60), (choices.DatePrecision.MONTH, 10), (choices.DatePrecision.YEAR, 15),
    (choices.DatePrecision.UNKNOWN, 15),
)
# Terms in years, with weights.
TERM_WEIGHTS = (
    (1, 8), (2, 12), (3, 16), (4, 14), (5, 12), (6, 10), (7, 6), (8, 6), (9, 4), (10, 4), (12, 3), (15, 2),
)
# fmt: on

PATTERN_PEOPLE = 3 + 3 + 2 + len(RECENT_ESCALATIONS) + 1  # Hrodna, railway, escalation, recent, death
MIN_PEOPLE = PATTERN_PEOPLE + 1


def allocate(rng: random.Random, weights, total: int) -> list:
    """`total` values in proportion to `weights`, each at least once when there is room, shuffled."""
    values = [value for value, _ in weights]
    weight_sum = sum(w for _, w in weights)
    counts = {v: int(w * total / weight_sum) for v, w in weights}
    if total >= len(values):
        for v in values:
            counts[v] = max(counts[v], 1)
    by_weight = [v for v, _ in sorted(weights, key=lambda item: -item[1])]
    index = 0
    while sum(counts.values()) < total:
        counts[by_weight[index % len(by_weight)]] += 1
        index += 1
    while sum(counts.values()) > total:
        largest = max(values, key=lambda v: counts[v])
        counts[largest] -= 1
    out = [v for v in values for _ in range(counts[v])]
    rng.shuffle(out)
    return out


# The builder -----------------------------------------------------------------------------------


class _DemoBuilder:
    """Builds the data set; every random choice comes from one `random.Random(seed)`, in order."""

    def __init__(self, *, seed: int, by, progress: "Progress | None" = None):
        self.rng = random.Random(seed)
        # Contacts draw from their own sequence, so adding them left every other fact as it was.
        self.contact_rng = random.Random(seed + 19)
        self.by = by
        self.progress = progress or (lambda step, done, total: None)
        self.report = DemoReport()
        self.by_law = Jurisdiction.objects.filter(code="BY").first()
        self.ru_law = Jurisdiction.objects.filter(code="RU").first()
        if self.by_law is None:
            raise DemoDataError("The Belarusian law data is not loaded; run `manage.py load_law` first.")
        self.regions = {r.code: r for r in Region.objects.filter(jurisdiction=self.by_law)}
        missing = sorted(set(REGIONS) - set(self.regions))
        if missing:
            raise DemoDataError(f"Regions missing from the law data: {', '.join(missing)}; run load_law.")
        self.articles = {(a.number, a.part): a for a in Article.objects.filter(jurisdiction=self.by_law)}
        self.facilities: dict[str, Facility] = {}
        self.public_sources: list[Source] = []
        self.confidential_sources: list[Source] = []

    # Random helpers

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day from `first` to `last` (never after LATEST_DATE); `first` when the range is empty."""
        last = min(last, LATEST_DATE)
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    @staticmethod
    def after(day: datetime.date, days: int) -> datetime.date:
        return day + datetime.timedelta(days=days)

    def weighted(self, items):
        return self.rng.choices([value for value, _ in items], weights=[w for _, w in items])[0]

    def article(self, notation: str) -> Article:
        number, _, part = notation.partition(".")
        try:
            return self.articles[(number, part)]
        except KeyError:
            raise DemoDataError(f"BY art. {notation} is not in the loaded law data.") from None

    def source_for(self, day: datetime.date) -> Source:
        """One of the first public sources published on or after `day`."""
        later = [s for s in self.public_sources if s.published_on >= day]
        return self.rng.choice(later[:2]) if later else self.public_sources[-1]

    # Reference records

    def build_sources(self):
        days = [D(2020, 9, 15)] + [D(year, month, 1) for year in range(2021, 2027) for month in (3, 9)]
        days.append(D(2026, 10, 28))
        labels = {
            choices.SourceKind.HUMAN_RIGHTS: "Demo human-rights bulletin",
            choices.SourceKind.PUBLICATION: "Demo news digest",
            choices.SourceKind.COURT: "Demo court calendar extract",
        }
        kinds = list(labels)
        for index, day in enumerate(days):
            kind = kinds[index % len(kinds)]
            source = Source(
                kind=kind,
                title=f"{labels[kind]}, {day:%B %Y} {MARKER}",
                published_on=day,
                confidential=False,
                url=f"https://example.org/demo/{kind}/{day:%Y-%m}",
            )
            self.public_sources.append(services.save_detail(instance=source, by=self.by))
        contacts = (
            (choices.SourceKind.RELATIVE, "a relative", "relative"),
            (choices.SourceKind.LAWYER, "a defence lawyer", "lawyer"),
            (choices.SourceKind.WITNESS, "a former cellmate", "witness"),
            (choices.SourceKind.RELATIVE, "a spouse", "spouse"),
        )
        for index, (kind, who, handle) in enumerate(contacts, start=1):
            source = Source(
                kind=kind,
                title=f"Demo: conversation with {who}, no. {index} {MARKER}",
                confidential=True,
                contact=f"Invented contact: {who}, via demo-{handle}-{index}@example.org (not real).",
            )
            self.confidential_sources.append(services.save_detail(instance=source, by=self.by))
        self.report.sources = len(self.public_sources) + len(self.confidential_sources)

    def build_facilities(self):
        for slug, kind, regime, region, name_en, name_ru, name_be, address in FACILITIES:
            facility = Facility(
                jurisdiction=self.by_law,
                slug=slug,
                kind=kind,
                regime=regime,
                region=self.regions[region],
                name_en=name_en,
                name_ru=name_ru,
                name_be=name_be,
                postal_address=address,
            )
            self.facilities[slug] = services.save_detail(instance=facility, by=self.by)
        self.report.facilities = len(self.facilities)

    # People

    def new_person(
        self,
        *,
        female=None,
        region=None,
        born=(1958, 2004),
        official=None,
        occupation=None,
        exact_birth=False,
    ):
        """An invented person with names in three forms; returns (person, region code, city)."""
        rng = self.rng
        if female is None:
            female = rng.random() < 0.22
        given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        surname_be, surname_ru, surname_latin = surname_forms(rng.choice(SURNAME_STEMS), female=female)
        names = [
            NameSpec(
                f"{surname_be} {given.be}", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True
            ),
            NameSpec(f"{surname_ru} {given.ru}", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU),
            NameSpec(f"{surname_latin} {given.latin}", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
        ]
        if region is None:
            region = self.weighted([(code, weight) for code, (_, weight) in REGIONS.items()])
        city = rng.choice(REGIONS[region][0])

        sex = choices.Sex.FEMALE if female else choices.Sex.MALE
        if not exact_birth and rng.random() < 0.07:
            sex = choices.Sex.UNKNOWN  # the name suggests a sex, but no one has recorded it
        year = rng.randint(*born)
        birth_day = D(year, rng.randint(1, 12), rng.randint(1, 28))
        precision = choices.DatePrecision.DAY if exact_birth else self.weighted(PRECISION_WEIGHTS)
        birth_date = {
            choices.DatePrecision.DAY: birth_day,
            choices.DatePrecision.MONTH: birth_day.replace(day=1),
            choices.DatePrecision.YEAR: D(year, 1, 1),
            choices.DatePrecision.UNKNOWN: None,
        }[precision]
        if official is None:
            official = self.weighted([(False, 70), (True, 8), (None, 22)])
        if occupation is None:
            occupation = rng.choice(OFFICIAL_OCCUPATIONS if official else OCCUPATIONS)
            if year < 1962 and not official and rng.random() < 0.5:
                occupation = "pensioner"
        person = services.create_person(
            names=names,
            by=self.by,
            sex=sex,
            birth_date=birth_date,
            birth_date_precision=precision,
            is_official_or_military=official,
            region=self.regions[region],
            citizenship="BY",
            occupation=occupation,
            biography=f"{occupation[0].upper()}{occupation[1:]} from {city[0]}. "
            "An invented person in the registry's demo data set.",
            internal_notes="SYNTHETIC DEMO RECORD, not a real person. Invented family contact: "
            f"demo-family-{rng.randint(100, 999)}@example.org.",
        )
        extra = rng.random()
        if extra < 0.3 and given.latin_variant:
            services.add_person_name(
                person=person,
                text=f"{surname_latin} {given.latin_variant}",
                script=choices.Script.LATIN,
                kind=choices.NameKind.OTHER_LATIN,
                by=self.by,
            )
        elif extra < 0.45 and given.nickname:
            services.add_person_name(
                person=person,
                text=f"{given.nickname} {surname_be}",
                script=choices.Script.BE_CYRILLIC,
                kind=choices.NameKind.ALIAS,
                by=self.by,
            )
        self.report.people += 1
        return person, region, city

    # Cases

    def event(self, case, kind, day, text, *, public=True, sources=()):
        return services.record_event(
            case=case, kind=kind, date=day, text=text, is_public=public, sources=sources, by=self.by
        )

    def open_case(
        self,
        person,
        *,
        city,
        detention=None,
        status=choices.CaseStatus.DETAINED,
        case_number=None,
        investigator=None,
        jurisdiction=None,
        recognise=True,
    ):
        rng = self.rng
        year = (detention or D(2023, 1, 1)).year
        facts = {
            "case_number": case_number or f"{year}{rng.randint(1, 99):02d}{rng.randint(100000, 999999)}",
            "investigating_body": investigator or rng.choice(INVESTIGATORS),
            "detention_date": detention,
            "detention_place": f"г. {city[1]}" if detention else "",
            "status": status,
        }
        recognised_on = None
        if recognise and detention and rng.random() < 0.8:
            recognised_on = self.day_between(self.after(detention, 14), self.after(detention, 90))
            criteria = sorted(rng.sample(list(choices.RecognitionCriterion.values), k=rng.randint(1, 2)))
            facts.update(
                recognised_on=recognised_on,
                recognised_by=f"Demo human-rights coalition {MARKER}",
                recognition_criteria=criteria,
            )
        case = services.create_case(
            person=person, jurisdiction=jurisdiction or self.by_law, by=self.by, **facts
        )
        self.report.cases += 1
        if recognised_on:
            self.event(
                case,
                choices.EventKind.RECOGNISED,
                recognised_on,
                "Recognised as a political prisoner.",
                sources=[self.source_for(recognised_on)],
            )
        return case

    def charge(self, case, notation, *, offence, charged_on, stage=choices.ChargeStage.COMPLETED):
        self.report.charges += 1
        return services.add_charge(
            case=case,
            article=self.article(notation),
            stage=stage,
            offence_date=offence,
            charged_on=charged_on,
            source=self.source_for(charged_on),
            by=self.by,
        )

    def reclassify(self, charge, notation, *, on, stage=None, note=""):
        self.report.charges += 1
        self.report.reclassifications += 1
        return services.reclassify_charge(
            charge=charge,
            to_article=self.article(notation),
            on=on,
            stage=stage,
            source=self.source_for(on),
            note=note,
            by=self.by,
        )

    def transfer(self, case, slug, on):
        return services.transfer_person(case=case, facility=self.facilities[slug], on=on, by=self.by)

    def close_stay(self, case, on):
        """End the open stay on release: no transfer follows it."""
        stay = FacilityStay.objects.filter(case=case, end_date__isnull=True).first()
        if stay is not None:
            stay.end_date = max(on, stay.start_date)
            services.save_detail(instance=stay, by=self.by)

    def internal_note(self, case, day):
        texts = (
            "Internal: a relative reports that letters are not delivered (synthetic).",
            "Internal: the lawyer could not visit for two weeks (synthetic).",
            "Internal: reports of time in the penalty isolator, unconfirmed (synthetic).",
            "Internal: health complaints reported by a former cellmate (synthetic).",
        )
        self.event(
            case,
            choices.EventKind.OTHER,
            day,
            self.rng.choice(texts),
            public=False,
            sources=[self.rng.choice(self.confidential_sources)],
        )

    def charges_for(self, case, pool, *, detention, charged_from=None):
        """One to three charges from `pool`, each with an offence date before its charge date."""
        rng = self.rng
        count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
        notations: list[str] = []
        while len(notations) < count:
            notation = self.weighted(pool)
            if notation not in notations:
                notations.append(notation)
        protest = detention is not None and detention < D(2021, 4, 1)
        charges = []
        for index, notation in enumerate(notations):
            if detention is not None:
                charged_on = self.day_between(detention, self.after(detention, 60 if index else 3))
            else:
                charged_on = self.after(charged_from, rng.randint(0, 45) if index else 0)
            if protest:  # the act was at the protests of autumn 2020
                latest = min(self.after(charged_on, -1), D(2020, 12, 31))
                offence = self.day_between(min(FIRST_DETENTION, latest), latest)
            else:
                # The act comes before the detention, even for a charge brought weeks after it.
                latest = self.after(charged_on, -7)
                if detention is not None:
                    latest = min(latest, detention)
                offence = self.day_between(max(FIRST_DETENTION, self.after(latest, -700)), latest)
            stage = choices.ChargeStage.COMPLETED
            if notation in INCHOATE and rng.random() < 0.5:
                stage = INCHOATE[notation]
            charges.append(self.charge(case, notation, offence=offence, charged_on=charged_on, stage=stage))
        return charges

    def escalate_some(self, charges, *, before):
        """Sometimes reclassify the first charge to a graver article, sometimes drop the second."""
        rng = self.rng
        first = charges[0]
        target = ESCALATIONS.get(
            first.article.number + (f".{first.article.part}" if first.article.part else "")
        )
        if target and rng.random() < 0.15:
            on = self.day_between(self.after(first.charged_on, 7), self.after(first.charged_on, 60))
            if on < before:
                self.reclassify(first, target, on=on)
        if len(charges) > 1 and rng.random() < 0.15:
            second = charges[1]
            on = self.day_between(self.after(second.charged_on, 5), self.after(second.charged_on, 90))
            if on < before:
                services.end_charge(charge=second, state=choices.ChargeState.DROPPED, on=on, by=self.by)

    def verdict(
        self,
        case,
        *,
        region,
        day,
        kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
        years=None,
        months=None,
        regime="",
        status=choices.CaseStatus.CONVICTED,
        until=LATEST_DATE,
    ):
        """The trial and the verdict: every active charge is convicted and the sentence recorded."""
        rng = self.rng
        in_absentia = status == choices.CaseStatus.SENTENCED_IN_ABSENTIA
        trial = self.day_between(self.after(day, -40), self.after(day, -5))
        if case.detention_date:
            trial = max(trial, case.detention_date)
        self.event(
            case,
            choices.EventKind.TRIAL,
            trial,
            "Trial began (closed hearing)." if rng.random() < 0.6 else "Trial began.",
        )
        for charge in case.charges.filter(state=choices.ChargeState.ACTIVE).order_by("id"):
            services.end_charge(charge=charge, state=choices.ChargeState.CONVICTED, on=day, by=self.by)
        services.update_case(
            case=case,
            by=self.by,
            status=status,
            court=COURTS[region],
            verdict_date=day,
            sentence_kind=kind,
            sentence_years=years,
            sentence_months=months,
            sentence_regime=regime,
        )
        if kind == choices.SentenceKind.DEATH:
            text = "Sentenced to death"
        else:
            term = f"{years} years" + (f" {months} months" if months else "")
            where = f" ({choices.Regime(regime).label})" if regime else ""
            text = f"Sentenced to {term} of {choices.SentenceKind(kind).label}{where}"
        text += ", in absentia." if in_absentia else "."
        self.event(case, choices.EventKind.VERDICT, day, text, sources=[self.source_for(day)])
        if not in_absentia and rng.random() < 0.5:
            appeal = self.day_between(self.after(day, 40), self.after(day, 120))
            if appeal < until:
                self.event(case, choices.EventKind.APPEAL, appeal, "The appeal court upheld the verdict.")
                # Upheld on appeal, the verdict is final that day (RISK_RULES.md, after the verdict);
                # without an appeal recorded, the day it became final is left unknown.
                services.update_case(case=case, by=self.by, verdict_final_on=appeal)

    def sentence_term(self, *, detention, must_outlast):
        """Years and months of a term that, counted from detention, runs past `must_outlast`."""
        years = self.weighted(TERM_WEIGHTS)
        months = self.rng.choice((None, None, None, 6, self.rng.randint(1, 11)))
        while (
            expected_release_date(
                sentence_kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
                years=years,
                months=months,
                detention_date=detention,
            )
            <= must_outlast
        ):
            years += 1
        return years, months

    def regime_for(self, person, years):
        if person.sex == choices.Sex.FEMALE:
            return choices.Regime.GENERAL
        if years >= 7:
            return self.rng.choice((choices.Regime.REINFORCED, choices.Regime.STRICT))
        return self.weighted(
            [(choices.Regime.GENERAL, 60), (choices.Regime.REINFORCED, 30), (choices.Regime.STRICT, 10)]
        )

    def to_colony(self, case, person, regime, *, verdict, until):
        """After the verdict: a colony for the regime, sometimes a prison later; all before `until`."""
        on = self.day_between(self.after(verdict, 20), self.after(verdict, 60))
        if on >= until:
            return
        if person.sex == choices.Sex.FEMALE:
            colony = WOMENS_COLONY
        else:
            colony = COLONY_BY_REGIME.get(regime, COLONY_BY_REGIME["strict"])
        self.transfer(case, colony, on)
        if person.sex != choices.Sex.FEMALE and self.rng.random() < 0.12:
            later = self.day_between(self.after(on, 180), self.after(on, 900))
            if later < until:
                self.transfer(case, PRISON, later)
        if self.rng.random() < 0.3:
            note_day = self.day_between(self.after(on, 30), self.after(on, 400))
            if note_day < until:
                self.internal_note(case, note_day)

    # One person with a case in a given status

    def ordinary_person(self, status):
        rng = self.rng
        S = choices.CaseStatus
        person, region, city = self.new_person()
        if status in (S.SENTENCED_IN_ABSENTIA, S.WANTED):
            if status == S.WANTED:
                charged_from = self.day_between(D(2023, 1, 1), D(2026, 9, 1))
            else:
                charged_from = self.day_between(D(2021, 6, 1), D(2024, 6, 1))
            case = self.open_case(person, city=city, status=status, recognise=False)
            self.charges_for(case, ABSENTIA_ARTICLES, detention=None, charged_from=charged_from)
            if status == S.WANTED:
                self.event(
                    case,
                    choices.EventKind.OTHER,
                    self.after(charged_from, rng.randint(1, 30)),
                    "Put on the wanted list.",
                )
            else:
                day = self.day_between(self.after(charged_from, 120), self.after(charged_from, 400))
                years = rng.randint(8, 15)
                self.verdict(
                    case,
                    region=region,
                    day=day,
                    years=years,
                    regime=self.regime_for(person, years),
                    status=status,
                )
            return person

        first, last = {
            S.DETAINED: (D(2025, 1, 1), LAST_DETENTION),
            S.HOUSE_ARREST: (D(2025, 1, 1), LAST_DETENTION),
            S.ON_TRIAL: (D(2024, 6, 1), LAST_DETENTION),
            S.CONVICTED: (FIRST_DETENTION, D(2025, 6, 1)),
            S.RELEASED: (FIRST_DETENTION, D(2023, 6, 1)),
            S.PARDONED: (FIRST_DETENTION, D(2023, 12, 1)),
            S.DEPORTED: (FIRST_DETENTION, D(2024, 6, 1)),
            S.DIED_IN_CUSTODY: (D(2020, 10, 1), D(2022, 12, 1)),
        }[status]
        if status in (S.CONVICTED, S.RELEASED) and rng.random() < 0.4:
            last = min(last, D(2021, 3, 31))  # most arrests came in the months after the election
        detention = self.day_between(first, last)
        pool = PROTEST_ARTICLES if detention < D(2021, 4, 1) else LATER_ARTICLES
        initial = S.HOUSE_ARREST if status == S.HOUSE_ARREST else S.DETAINED
        case = self.open_case(person, city=city, detention=detention, status=initial)
        held = status != S.HOUSE_ARREST
        if held:
            self.transfer(case, SIZO_BY_REGION[region], self.after(detention, rng.randint(1, 3)))
        charges = self.charges_for(case, pool, detention=detention)

        if status in (S.DETAINED, S.HOUSE_ARREST, S.ON_TRIAL):
            self.escalate_some(charges, before=LATEST_DATE)
            if status == S.ON_TRIAL:
                trial = self.day_between(max(self.after(detention, 90), D(2026, 1, 10)), D(2026, 10, 20))
                services.update_case(case=case, by=self.by, status=S.ON_TRIAL, court=COURTS[region])
                self.event(
                    case,
                    choices.EventKind.INDICTED,
                    self.after(trial, -rng.randint(10, 40)),
                    "The case was sent to court.",
                )
                self.event(case, choices.EventKind.TRIAL, trial, "Trial began (closed hearing).")
            if held and rng.random() < 0.4:
                self.internal_note(case, self.day_between(self.after(detention, 20), D(2026, 10, 30)))
            return person

        verdict = self.day_between(self.after(detention, 60), self.after(detention, 300))
        self.escalate_some(charges, before=verdict)
        end = None  # the day the person left custody
        if status == S.CONVICTED:
            years, months = self.sentence_term(detention=detention, must_outlast=LATEST_DATE)
        elif status == S.RELEASED:
            years, months = (
                min(self.weighted(TERM_WEIGHTS[:6]), max((LATEST_DATE - detention).days // 366, 1)),
                None,
            )
            end = self.after(
                expected_release_date(
                    sentence_kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
                    years=years,
                    months=None,
                    detention_date=detention,
                ),
                1,
            )
            how = choices.ReleaseKind.SENTENCE_SERVED
            if end > LATEST_DATE or rng.random() < 0.2:  # released early
                end = self.day_between(self.after(verdict, 30), self.after(end, -1))
                how = rng.choice([choices.ReleaseKind.PAROLE, choices.ReleaseKind.AMNESTY])
        else:
            window_first, window_last = {
                S.PARDONED: (D(2024, 7, 1), D(2026, 10, 15)),
                S.DEPORTED: (D(2025, 6, 1), D(2026, 10, 15)),
                S.DIED_IN_CUSTODY: (self.after(verdict, 200), self.after(verdict, 900)),
            }[status]
            end = self.day_between(max(window_first, self.after(verdict, 60)), window_last)
            years, months = self.sentence_term(detention=detention, must_outlast=end)
        regime = self.regime_for(person, years)
        self.verdict(
            case,
            region=region,
            day=verdict,
            years=years,
            months=months,
            regime=regime,
            until=end or LATEST_DATE,
        )
        self.to_colony(case, person, regime, verdict=verdict, until=end or LATEST_DATE)
        if end is not None:
            self.release(case, status, end, how if status == S.RELEASED else None)
        return person

    def release(self, case, status, end, how) -> None:
        """How the person left custody (issue 18): the 2025-style deals take people across the border
        without their documents, the family often left behind (invented, confidential)."""
        R, S, rng = choices.ReleaseKind, choices.CaseStatus, self.rng
        abroad = status == S.DEPORTED
        how, text = {
            S.RELEASED: (how, "Released."),
            S.PARDONED: (R.PARDON, "Pardoned and released."),
            S.DEPORTED: (R.EXCHANGE, "Pardoned in a deal and taken across the border."),
            S.DIED_IN_CUSTODY: (R.DEATH_IN_CUSTODY, "Died in custody; the cause was not disclosed."),
        }[status]
        self.close_stay(case, end)
        services.record_release(
            case=case,
            how=how,
            date=end,
            destination_country=rng.choice(["LT", "LT", "PL", "DE", "US"]) if abroad else "",
            documents_withheld=choices.Answer.YES if abroad and rng.random() < 0.7 else "",
            family_left_behind="Parents stayed in the country (invented)."
            if abroad and rng.random() < 0.5
            else "",
            text=text,
            sources=[self.source_for(end)],
            by=self.by,
        )

    def russian_case(self):
        """A Belarusian held in Russia; no Russian article of this kind is in the law data yet."""
        person, _region, _city = self.new_person(female=False)
        detention = self.day_between(D(2024, 1, 1), LAST_DETENTION)
        case = self.open_case(
            person,
            city=("Moscow", "Москва", "Масква"),
            detention=detention,
            jurisdiction=self.ru_law,
            investigator="Следственный комитет РФ",
            recognise=False,
        )
        self.event(
            case,
            choices.EventKind.OTHER,
            self.after(detention, self.rng.randint(5, 60)),
            "Extradition to Belarus was requested; the charges are not yet known.",
        )
        return person

    # The documented patterns (RISK_RULES.md)

    def hrodna_codefendants(self):
        """218 part 2 -> 289 part 1 -> 289 part 3 through an 'organised group' allegation, Hrodna 2022."""
        rng = self.rng
        detention = self.day_between(D(2022, 3, 10), D(2022, 4, 20))
        offence = self.after(detention, -rng.randint(2, 9))
        number = f"2022{rng.randint(100000000, 999999999)}"
        to_289_1 = self.after(detention, rng.randint(20, 35))
        to_289_3 = self.after(detention, rng.randint(75, 110))
        verdict = self.after(detention, rng.randint(260, 330))
        people = []
        for index in range(3):
            person, region, city = self.new_person(
                female=False, region="grodno", born=(1985, 2001), official=False, exact_birth=index == 0
            )
            case = self.open_case(
                person, city=city, detention=detention, case_number=number, investigator="КГБ"
            )
            self.transfer(case, SIZO_BY_REGION[region], self.after(detention, 2))
            charge = self.charge(case, "218.2", offence=offence, charged_on=self.after(detention, 1))
            charge = self.reclassify(
                charge, "289.1", on=to_289_1, note="The damage was re-described as terrorism."
            )
            self.reclassify(
                charge,
                "289.3",
                on=to_289_3,
                note="Co-defendants: the prosecution alleges an organised group.",
            )
            self.verdict(
                case, region=region, day=verdict, years=rng.randint(15, 19), regime=choices.Regime.STRICT
            )
            self.to_colony(case, person, choices.Regime.STRICT, verdict=verdict, until=LATEST_DATE)
            people.append(person)
        return people

    def railway_arson(self):
        """A railway relay cabinet set on fire in February 2022, no one hurt: 289.3 with 309.2, 356.1 and
        361-1.3; the prosecution spoke of death; 21, 22 and 23 years."""
        rng = self.rng
        offence = D(2022, 2, rng.randint(24, 28))
        detention = self.after(offence, rng.randint(3, 8))
        number = f"2022{rng.randint(100000000, 999999999)}"
        verdict = self.day_between(D(2022, 12, 1), D(2023, 1, 31))
        people = []
        for years in (21, 22, 23):
            occupation = rng.choice(("railway worker", "student", "driver"))
            person, region, city = self.new_person(
                female=False,
                region="gomel",
                born=(1990, 2001),
                official=False,
                occupation=occupation,
                exact_birth=True,
            )
            case = self.open_case(
                person, city=city, detention=detention, case_number=number, investigator="КГБ"
            )
            self.transfer(case, SIZO_BY_REGION[region], self.after(detention, 1))
            for notation, days in (("289.3", 2), ("309.2", 2), ("356.1", 60), ("361-1.3", 60)):
                self.charge(case, notation, offence=offence, charged_on=self.after(detention, days))
            self.event(
                case,
                choices.EventKind.OTHER,
                self.after(verdict, -20),
                "The prosecution spoke of the death penalty; no one was hurt by the fire.",
            )
            self.verdict(case, region=region, day=verdict, years=years, regime=choices.Regime.STRICT)
            self.to_colony(case, person, choices.Regime.STRICT, verdict=verdict, until=LATEST_DATE)
            people.append(person)
        return people

    def escalation_without_terrorism(self):
        """361 part 3, then 357 part 1 and 361-1 part 1 added (2020-2021)."""
        rng = self.rng
        people = []
        for _ in range(2):
            person, region, city = self.new_person(region="minsk", born=(1965, 1990), official=False)
            detention = self.day_between(D(2020, 9, 1), D(2020, 11, 30))
            case = self.open_case(person, city=city, detention=detention)
            self.transfer(case, SIZO_BY_REGION[region], self.after(detention, 2))
            offence = self.day_between(D(2020, 8, 10), self.after(detention, -5))
            self.charge(case, "361.3", offence=offence, charged_on=self.after(detention, 1))
            added = self.day_between(D(2021, 3, 1), D(2021, 6, 30))
            self.charge(case, "357.1", offence=offence, charged_on=added)
            self.charge(case, "361-1.1", offence=offence, charged_on=added)
            verdict = self.day_between(D(2021, 9, 1), D(2022, 3, 1))
            years = rng.randint(11, 16)
            regime = self.regime_for(person, years)
            self.verdict(case, region=region, day=verdict, years=years, regime=regime)
            self.to_colony(case, person, regime, verdict=verdict, until=LATEST_DATE)
            people.append(person)
        return people

    def recent_reclassifications(self):
        """Pre-trial cases reclassified into terrorism or treason in October 2026 (the 90-day rule)."""
        rng = self.rng
        people = []
        for notation, target, stage in RECENT_ESCALATIONS:
            person, region, city = self.new_person(female=False, born=(1970, 2000), official=False)
            detention = self.day_between(D(2025, 2, 1), D(2025, 11, 30))
            case = self.open_case(person, city=city, detention=detention, investigator="КГБ")
            self.transfer(case, SIZO_BY_REGION[region], self.after(detention, 2))
            offence = self.day_between(self.after(detention, -200), self.after(detention, -10))
            charge = self.charge(case, notation, offence=offence, charged_on=self.after(detention, 1))
            self.reclassify(
                charge,
                target,
                on=self.day_between(D(2026, 10, 1), D(2026, 10, 28)),
                stage=stage,
                note="Reclassified when the investigation was extended.",
            )
            if rng.random() < 0.5:
                self.internal_note(case, self.day_between(D(2026, 9, 1), D(2026, 10, 30)))
            people.append(person)
        return people

    def death_sentence(self):
        """The one death sentence of the data set: art. 289 part 3, an act in 2023."""
        rng = self.rng
        person, region, city = self.new_person(
            female=False, region="minsk-region", born=(1978, 1992), official=False, exact_birth=True
        )
        detention = self.day_between(D(2023, 4, 1), D(2023, 9, 30))
        offence = self.after(detention, -rng.randint(3, 20))
        case = self.open_case(person, city=city, detention=detention, investigator="КГБ")
        self.transfer(case, SIZO_BY_REGION[region], self.after(detention, 1))
        self.charge(case, "289.3", offence=offence, charged_on=self.after(detention, 2))
        self.charge(case, "361-1.1", offence=offence, charged_on=self.after(detention, 40))
        verdict = self.day_between(D(2024, 10, 1), D(2025, 3, 31))
        self.verdict(case, region=region, day=verdict, kind=choices.SentenceKind.DEATH)
        self.internal_note(case, self.after(verdict, rng.randint(20, 90)))
        # Death row (issue 18): the appeal upheld it, a clemency petition is pending, and the
        # family's last visit, known to staff only.
        K = choices.EventKind
        appeal = self.after(verdict, rng.randint(60, 120))
        clemency = self.after(appeal, rng.randint(10, 30))
        for kind, day, text, public in (
            (K.APPEAL, appeal, "The appeal was dismissed; the death sentence stands.", True),
            (K.CLEMENCY_FILED, clemency, "A petition for clemency was filed.", True),
            (K.LAST_CONTACT, self.after(clemency, rng.randint(20, 60)), "A family visit (invented).", False),
        ):
            services.record_death_row_event(
                case=case,
                kind=kind,
                date=day,
                text=text,
                is_public=public,
                sources=[self.source_for(day)],
                by=self.by,
            )
        return [person]

    def terrorism_list_snapshots(self, railway: list, escalation: list) -> None:
        """Two invented copies of the KGB's list of persons involved in terrorist activity, written
        as it writes them (surname in capitals, date of birth, place of birth): the railway three
        on both, one of the 2020 escalation cases added by the second, and a name the registry
        does not hold. Confirmed as the review proposes, so the people's cases carry the
        'designated' reason and their timelines the inclusions."""
        listed = DesignationList.objects.filter(code="by-terrorist-activity").first()
        if listed is None:
            return
        unknown = "ВЫДУМАНОВ Пётр Ильич, 05.05.1975 г.р., уроженец г. Минска"
        for day, people in ((D(2023, 3, 1), railway), (D(2024, 9, 1), railway + escalation[:1])):
            lines = [f"{n}. {self._as_listed(person)}" for n, person in enumerate(people, start=1)]
            lines.append(f"{len(lines) + 1}. {unknown}")
            source = services.save_detail(
                instance=Source(
                    kind=choices.SourceKind.COURT,
                    title=f"Demo copy of the list of persons involved in terrorist activity, {day:%B %Y} "
                    f"{MARKER}",
                    published_on=day,
                    confidential=False,
                    url=f"https://example.org/demo/designations/{day:%Y-%m}",
                ),
                by=self.by,
            )
            snapshot = services.import_designation_snapshot(
                designation_list=listed,
                date=day,
                source=source,
                entries=read_list(text="\n".join(lines)).entries,
                by=self.by,
            )
            review = services.review_snapshot(snapshot)
            services.confirm_designation_snapshot(
                snapshot=snapshot,
                chosen={row.entry.line: row.proposed for row in review.entries if row.proposed},
                removals=[row.designation.person_id for row in review.removals if row.proposed],
                by=self.by,
            )

    def contacts(self, everyone) -> None:
        """Keeping in touch (issue 19): for up to 40 people held, the letters, visits and calls staff
        heard of over the last months, some known only to the month: a lawyer every two to four
        weeks for most; for some the lawyer stopped coming weeks ago; a few silent for more than a
        year (held incommunicado); a few never heard from. About one in three has the silence
        published. Then the silence check, as the hourly task would run it."""
        rng = self.contact_rng
        C = choices.ContactChannel
        held = [p for p in everyone if p.cases.filter(status__in=choices.HELD_STATUSES).exists()][:40]
        for index, person in enumerate(held):
            if index % 10 == 9:
                continue  # nobody has heard from them yet: the staff list shows them last
            detained = person.cases.order_by("detention_date").first().detention_date or D(2021, 1, 1)
            if index % 7 == 3:
                last_heard = LATEST_DATE - datetime.timedelta(days=rng.randint(400, 700))
                lawyer_until = last_heard
            else:
                last_heard = LATEST_DATE - datetime.timedelta(days=rng.randint(2, 25))
                denied = index % 5 == 1  # the lawyer stopped being let in
                lawyer_until = last_heard - datetime.timedelta(days=rng.randint(45, 90) if denied else 0)
            start = max(detained + datetime.timedelta(days=20), last_heard - datetime.timedelta(days=150))
            heard = []
            day = start
            while day <= lawyer_until:
                heard.append((day, C.LAWYER_VISIT))
                day += datetime.timedelta(days=rng.randint(14, 28))
            day = start + datetime.timedelta(days=rng.randint(0, 10))
            while day <= last_heard:
                heard.append((day, rng.choice([C.LETTER, C.LETTER, C.FAMILY_VISIT, C.CALL, C.SEEN_IN_COURT])))
                day += datetime.timedelta(days=rng.randint(20, 50))
            for day, channel in sorted(heard):
                partial = channel == C.LETTER and rng.random() < 0.2  # a letter known by its month
                services.record_contact(
                    person=person,
                    channel=channel,
                    date=day.replace(day=1) if partial else day,
                    date_precision=choices.DatePrecision.MONTH if partial else choices.DatePrecision.DAY,
                    details="What was said stays with staff (invented).",
                    sources=[self._contact_source(day)],
                    by=self.by,
                    today=LATEST_DATE,
                )
            if index % 3 == 0:
                services.update_person(person=person, silence_public=True, by=self.by)
        services.raise_silence_alerts(today=LATEST_DATE)

    def particular_risks(self, everyone) -> None:
        """Health and particular risk (issue 19, point 4): a few people held with an illness, a
        disability, solitary confinement or denied care; most items confidential, some published
        with a sentence the public page may say. Invented, like everything here."""
        K = choices.ParticularRiskKind
        held = [p for p in everyone if p.cases.filter(status__in=choices.HELD_STATUSES).exists()]
        stories = [
            (K.SERIOUS_ILLNESS, False, ""),
            (K.SOLITARY_CONFINEMENT, True, "Held in a punishment cell for months in a row (invented)."),
            (K.DENIED_MEDICAL_CARE, False, ""),
            (K.DISABILITY, True, "Has a disability recognised before the arrest (invented)."),
            (K.BOTH_PARENTS_IMPRISONED, False, ""),
        ]
        for index, person in enumerate(held[3:60:6]):
            kind, public, text = stories[index % len(stories)]
            day = LATEST_DATE - datetime.timedelta(days=self.contact_rng.randint(30, 400))
            services.record_particular_risk(
                person=person,
                kind=kind,
                date=day.replace(day=1),
                date_precision=choices.DatePrecision.MONTH,
                details="What the family told stays with staff (invented).",
                is_public=public,
                public_text=text,
                sources=[self._contact_source(day)],
                by=self.by,
                today=LATEST_DATE,
            )

    def _contact_source(self, day: datetime.date) -> Source:
        later = [s for s in self.public_sources if s.published_on >= day]
        return self.contact_rng.choice(later[:2]) if later else self.public_sources[-1]

    def release_wave(self) -> None:
        """An invented wave like the deals of 2025: up to six people the demo expelled before its day
        are grouped in it, released on its day and taken to its country (the wave's page, the
        statistics' table of waves). Consumes no randomness, so the rest of the data stays."""
        day = D(2025, 9, 11)
        wave = services.create_wave(
            name="September 2025 release (invented)",
            date=day,
            announced_by="The presidential press service (invented)",
            counterpart="An envoy of another government (invented)",
            in_return="Sanctions on a state company eased, as reported (invented)",
            destination_country="LT",
            how=choices.ReleaseKind.EXCHANGE,
            sources=[self.source_for(day)],
            by=self.by,
        )
        # Released before the wave's day in the data as built: moving their day later never leaves a
        # stay ending after the release.
        expelled = (
            Release.objects.filter(
                case__status=choices.CaseStatus.DEPORTED,
                case__events__kind__in=choices.CUSTODY_END_KINDS,
                case__events__date__lte=day,
            )
            .distinct()
            .order_by("case_id")[:6]
        )
        for release in expelled:
            services.correct_release(
                release=release,
                wave=wave,
                destination_country="LT",
                date=day,
                date_precision=choices.DatePrecision.DAY,
                by=self.by,
            )

    def hearings(self) -> None:
        """Invented court hearings after the demo's last fact (the hearings to come, on the staff and
        public calendars): a few cases on trial or awaiting one, and an appeal of a verdict. A mix of
        open and closed, public and staff-only, one with the day only and one postponed. Consumes no
        randomness, so the rest of the data stays."""
        courts = ["Minsk City Court", "Homel Regional Court", "Hrodna Regional Court", "Supreme Court"]
        awaiting = list(
            Case.objects.filter(
                status__in=(choices.CaseStatus.ON_TRIAL, choices.CaseStatus.DETAINED),
                jurisdiction__code="BY",
            ).order_by("pk")[:6]
        )
        convicted = Case.objects.filter(status=choices.CaseStatus.CONVICTED, jurisdiction__code="BY")
        plans = [
            (choices.HearingKind.TRIAL, 10, datetime.time(10, 0), choices.HearingOpenness.CLOSED, True),
            (choices.HearingKind.TRIAL, 17, datetime.time(11, 30), choices.HearingOpenness.OPEN, True),
            (choices.HearingKind.PRELIMINARY, 24, None, choices.HearingOpenness.UNKNOWN, True),
            (choices.HearingKind.VERDICT, 38, datetime.time(15, 0), choices.HearingOpenness.OPEN, True),
            (choices.HearingKind.TRIAL, 45, datetime.time(9, 30), choices.HearingOpenness.CLOSED, False),
            (choices.HearingKind.MEASURE, 52, datetime.time(14, 0), choices.HearingOpenness.CLOSED, False),
        ]
        for number, (case, (kind, days, time, openness, public)) in enumerate(
            zip(awaiting, plans, strict=False)
        ):
            hearing = services.schedule_hearing(
                case=case,
                court=courts[number % 3],
                day=self.after(LATEST_DATE, days),
                time=time,
                kind=kind,
                room=str(101 + number * 7) if time else "",
                openness=openness,
                note="Supporters may come; arrive early for the queue (invented)."
                if openness == "open"
                else "",
                internal_note="The family asked us not to announce it (invented)." if not public else "",
                is_public=public,
                sources=[self.source_for(LATEST_DATE)],
                by=self.by,
            )
            if number == 1:
                services.cancel_hearing(hearing=hearing, postponed=True, by=self.by)
        appeal = convicted.order_by("pk").first()
        if appeal is not None:
            services.schedule_hearing(
                case=appeal,
                court=courts[3],
                day=self.after(LATEST_DATE, 31),
                time=datetime.time(10, 0),
                kind=choices.HearingKind.APPEAL,
                room="3",
                openness=choices.HearingOpenness.CLOSED,
                is_public=True,
                by=self.by,
            )

    @staticmethod
    def _as_listed(person) -> str:
        name = person.names.get(script=choices.Script.RU_CYRILLIC).text
        surname, _, given = name.partition(" ")
        born = f", {person.birth_date:%d.%m.%Y} г.р." if person.birth_date_precision == "day" else ""
        return f"{surname.upper()} {given}{born}, уроженец Республики Беларусь"

    # The whole set

    def build(self, people: int) -> DemoReport:
        self.build_sources()
        self.build_facilities()
        everyone = []

        def built(stories):
            everyone.extend(stories)
            self.progress("built", len(everyone), people)

        built(self.hrodna_codefendants())
        railway, escalation = self.railway_arson(), self.escalation_without_terrorism()
        built(railway)
        built(escalation)
        for pattern in (self.recent_reclassifications, self.death_sentence):
            built(pattern())
        rest = people - len(everyone)
        russian = max(1, rest // 60) if self.ru_law is not None else 0
        for status in allocate(self.rng, STATUS_WEIGHTS, rest - russian):
            built([self.ordinary_person(status)])
        for _ in range(russian):
            built([self.russian_case()])
        # After every person: the lists' review matches against the whole registry.
        self.terrorism_list_snapshots(railway, escalation)
        self.release_wave()
        self.contacts(everyone)
        self.particular_risks(everyone)
        self.hearings()

        states = allocate(self.rng, PUBLICATION_WEIGHTS, len(everyone))
        for done, (person, state) in enumerate(zip(everyone, states, strict=True), start=1):
            if state != choices.PublicationState.DRAFT:
                services.publish_person(person=person, by=self.by)
                if state == choices.PublicationState.WITHDRAWN:
                    services.withdraw_person(person=person, by=self.by)
                else:
                    self.report.published += 1
            self.progress("published", done, len(everyone))
        return self.report


# Told of each step as it is done: ("built" | "published", people done, people in all).
Progress = Callable[[str, int, int], None]


def build_demo(
    *, seed: int = 2020, people: int = 200, by=None, progress: Progress | None = None
) -> DemoReport:
    """Create `people` invented people with their cases, through `cases.services` only.

    Needs the law data (`load_law`) and is meant for an empty registry; the caller decides
    whether to run it in one transaction. Side effects: everything the services do, including
    the risk assessments they queue after commit. The same seed gives the same data. `progress`,
    if given, is called after each story ("built") and each publication decision ("published").
    """
    if people < MIN_PEOPLE:
        raise DemoDataError(f"The demo needs at least {MIN_PEOPLE} people for its documented patterns.")
    return _DemoBuilder(seed=seed, by=by, progress=progress).build(people)
