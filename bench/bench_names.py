"""Give the benchmark's people names (full_pass.py fills people without them).

Every person gets three spellings of an invented name, as a real list has them: Belarusian
Cyrillic (primary), Russian Cyrillic and a Latin transliteration. Surnames are built from
invented syllables, so about 100,000 people carry tens of thousands of different surnames and
a search for one full name finds a handful of people, as it would in a real registry.
"""

import random

GIVEN = [  # (be, ru, latin): the demo's given names
    ("Аляксандр", "Александр", "Aliaksandr"),
    ("Сяргей", "Сергей", "Siarhei"),
    ("Дзмітрый", "Дмитрий", "Dzmitry"),
    ("Уладзімір", "Владимир", "Uladzimir"),
    ("Мікалай", "Николай", "Mikalai"),
    ("Ігар", "Игорь", "Ihar"),
    ("Павел", "Павел", "Paval"),
    ("Андрэй", "Андрей", "Andrei"),
    ("Віктар", "Виктор", "Viktar"),
    ("Алег", "Олег", "Aleh"),
    ("Ганна", "Анна", "Hanna"),
    ("Вольга", "Ольга", "Volha"),
    ("Кацярына", "Екатерина", "Katsiaryna"),
    ("Марыя", "Мария", "Maryia"),
    ("Таццяна", "Татьяна", "Tatsiana"),
]
SYLLABLES = [  # invented surname syllables in the three scripts
    ("ба", "бо", "ba"),
    ("ру", "ру", "ru"),
    ("ліч", "лич", "lich"),
    ("кар", "кор", "kar"),
    ("зам", "зам", "zam"),
    ("дра", "дро", "dra"),
    ("шы", "ши", "shy"),
    ("тур", "тур", "tur"),
    ("вел", "вел", "vel"),
    ("гра", "гро", "hra"),
    ("мац", "мац", "mats"),
    ("пел", "пел", "pel"),
    ("сты", "сты", "sty"),
    ("жор", "жор", "zhor"),
    ("хва", "хво", "khva"),
    ("нет", "нет", "net"),
    ("лап", "лоп", "lap"),
    ("чар", "чер", "char"),
    ("фіў", "фив", "fiu"),
    ("ксе", "ксе", "kse"),
    ("дол", "дол", "dol"),
    ("бур", "бур", "bur"),
    ("сям", "сем", "siam"),
    ("роў", "ров", "rou"),
    ("ган", "ган", "han"),
    ("міт", "мит", "mit"),
    ("цук", "цук", "tsuk"),
    ("явар", "явор", "yavar"),
]
ENDINGS = [
    ("іч", "ич", "ich"),
    ("ук", "ук", "uk"),
    ("энка", "енко", "enka"),
    ("аў", "ов", "au"),
    ("скі", "ский", "ski"),
]
MARK = "bench-names-v2"  # a person whose occupation carries this has the diverse names


def _name(rng: random.Random) -> tuple[str, str, str]:
    given = rng.choice(GIVEN)
    parts = [rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3]))] + [rng.choice(ENDINGS)]
    surname = tuple("".join(p[i] for p in parts) for i in range(3))
    return tuple(f"{given[i]} {surname[i][0].upper()}{surname[i][1:]}" for i in range(3))


def add_names(batch: int = 10_000) -> None:
    """Replace the benchmark's names with three spellings each (idempotent: skips when done).

    On PostgreSQL through COPY: at 1,000,000 people, 3,000,000 names one Django object each was
    the longest step of building the database."""
    from django.db import connection, transaction

    from cases.choices import DatePrecision
    from cases.identity.names import name_key
    from cases.models import Person, PersonName

    if Person.objects.filter(occupation=MARK).exists():
        return
    rng = random.Random(7)
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))

    def rows():
        for pk in ids:
            be, ru, latin = _name(rng)
            for text, script, kind, primary in (
                (be, "be_cyrl", "official_be", True),
                (ru, "ru_cyrl", "official_ru", False),
                (latin, "latin", "passport_latin", False),
            ):
                yield pk, text, script, kind, primary, name_key(text)

    with transaction.atomic():
        PersonName.objects.all().delete()
        if connection.vendor == "postgresql":
            columns = "person_id, text, script, kind, is_primary, search_key, as_of_precision"
            statement = f"COPY {PersonName._meta.db_table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in rows():
                    copy.write_row((*row, DatePrecision.UNKNOWN))
        else:
            names = [
                PersonName(
                    person_id=pk, text=text, script=script, kind=kind, is_primary=primary, search_key=key
                )
                for pk, text, script, kind, primary, key in rows()
            ]
            PersonName.objects.bulk_create(names, batch_size=batch)
        Person.objects.update(occupation=MARK)
