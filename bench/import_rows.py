"""Benchmark: importing a political-prisoner list into a registry that already holds 100,000 people.

    .venv/bin/python bench/import_rows.py [--rows 100000] [--registry 100000] [--tracemalloc]
                                          [--changed] [--sweep] [--profile] [--distinct-names]

Uses a database of its own (BENCH_DATABASE_URL, default .../registry_bench_import), emptied of
people, cases, import runs and facilities at the start; the law data stays. Then:

1. It creates the places of detention the list names (short form, postcode, address), and
   fills the registry with `--registry` OTHER people by plain SQL (`INSERT ... SELECT
   generate_series`: each a person, a primary name, the list's id and url, a case and charges;
   none of them is in the file). The importer never loads them; they are there so the imported
   rows meet tables and indexes of that size (identifier look-ups, name keys, slugs).
2. It writes a synthetic CSV in the list's own layout (the header of the published list): invented
   names (the demo data's invented surname stems with invented prefixes, the common given names,
   never a real detainee; they repeat, so most rows share a name with another and carry a "same
   name" warning: the report's worst case. With --distinct-names a third invented word spells the
   row's number, so every row has a name key of its own); status as the list writes it ("current
   political prisoner", "former political prisoner"); the sentence split over `decision` (kind and
   regime, "колонии общего режима") and `penalty` (the term, "3 года"); `declaration` a link to
   the recognition statement (5% a date, as older exports write it); partial dates ("05.2021",
   "2021"); `prison` cells as lists write them ("ИК-15, 213105, г. Могилев, ул. Крупской, 100"),
   of the facilities made in 1. and, for 1% of the held people, three places the registry does not
   know (proposed once each for review, then linked); real Belarus articles, 1% of the rows with
   an article the law data does not know (a charge to review).
3. It times, through `run_import` exactly as the admin and the command call it:
     - the floor: the same number of people, names, identifiers, cases and charges as the file
       creates, inserted by plain SQL into the same tables in a transaction that is rolled back;
     - the dry run (everything rehearsed in a transaction that is rolled back);
     - the real run;
     - the same file again (a no-op: nothing may be created, updated or written);
     - with --changed, a file where 1% of the rows changed an article (reclassifications).

Memory of each phase: the peak resident set (VmHWM from /proc/self/status, reset before each
phase by writing 5 to /proc/self/clear_refs) less the resident set when the phase starts, and
with --tracemalloc the peak of Python allocations (tracemalloc.get_traced_memory, reset per
phase; tracing slows Python down, so timings of such a run are not comparable). ru_maxrss, the
process's high-water mark over its whole life, is printed too. Run two sizes (25,000 and 100,000
rows) to see whether the peak grows with the rows.

Risk assessment is the workers' job after commit: here the queueing is switched off while the
import is timed; with --sweep the sweep a worker would run is timed on its own.
"""

import argparse
import cProfile
import datetime
import gc
import os
import pstats
import random
import resource
import sys
import time
import tracemalloc

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/registry_bench_import")

from common import Timer, setup_django  # noqa: E402

HEADER = [
    "id", "url", "name", "status", "birthday", "gender", "arrested", "articles", "verdict_date", "decision",
    "penalty", "judge", "prosecutor", "prison", "declaration", "release_date", "died",
]  # fmt: skip
ARTICLES = [
    "ч. 1 ст. 342", "ч. 2 ст. 293", "ч. 3 ст. 130", "ст. 368", "ст. 369", "ч. 1 ст. 361", "ч. 2 ст. 361-1",
    "ч. 1 ст. 361-4", "ст. 367", "ч. 2 ст. 339", "ч. 1 ст. 363", "ст. 370", "ч. 1 ст. 14, ч. 3 ст. 289",
    "ч. 1 ст. 13, ч. 1 ст. 293", "ч. 1 ст. 356",
]  # fmt: skip
CURRENT, FORMER = "current political prisoner", "former political prisoner"
# (decision, penalty): the kind and regime in one column, the term in the other, as the list splits them.
SENTENCES = [
    ("колонии общего режима", "3 года"), ("колонии усиленного режима", "2 г. 6 мес."), ("", "5 лет"),
    ("штраф", ""), ("ограничения свободы с направлением в учреждение открытого типа", "1,5 года"),
    ("колонии общего режима", "4 года"), ("колонии усиленного режима", "6 лет"),
]  # fmt: skip
# Places of detention made in the bench database: (slug, kind, short_name, name_ru, name_en, postcode,
# address). The prison cells name them as lists do.
FACILITIES = [
    ("bench-ik-15", "colony", "ИК-15", "Исправительная колония №15", "Penal colony No. 15 (Mahiliou)",
     "213105", "г. Могилев, ул. Крупской, 100"),
    ("bench-ik-3", "colony", "ИК-3", "Исправительная колония №3", "Penal colony No. 3 (Vitba)",
     "211322", "пос. Витьба, ул. Лесная, 1"),
    ("bench-ik-9", "colony", "ИК-9", "Исправительная колония №9", "Penal colony No. 9 (Horki)",
     "213410", "г. Горки, ул. Заводская, 9"),
    ("bench-ik-17", "colony", "ИК-17", "Исправительная колония №17", "Penal colony No. 17 (Shklou)",
     "213004", "г. Шклов, ул. Заречная, 17"),
    ("bench-ik-22", "colony", "ИК-22", "Исправительная колония №22", "Penal colony No. 22 (Ivatsevichy)",
     "225295", "г. Ивацевичи, ул. Полевая, 22"),
    ("bench-ik-4", "colony", "ИК-4", "Исправительная колония №4", "Penal colony No. 4 (Homiel)",
     "246035", "г. Гомель, ул. Антошкина, 4"),
    ("bench-sizo-1", "sizo", "СИЗО-1", "Следственный изолятор №1", "Pre-trial detention centre No. 1 (Minsk)",
     "220030", "г. Минск, ул. Володарского, 2"),
    ("bench-prison-8", "prison", "Тюрьма №8", "Тюрьма №8", "Prison No. 8 (Zhodzina)",
     "222163", "г. Жодино, ул. Советская, 22а"),
]  # fmt: skip
COLONIES = [f for f in FACILITIES if f[1] != "sizo"]
PRE_TRIAL = [f for f in FACILITIES if f[1] == "sizo"]
# Places the registry does not know (invented towns): each is proposed once for review.
UNKNOWN_PLACES = [
    "ИК-31, 231000, г. Заречинск, ул. Лесная, 5",
    "СИЗО-9, 247000, г. Приозерск, ул. Тихая, 1",
    "Тюрьма №5, 225000, г. Старобор, ул. Новая, 3",
]
# Invented prefixes for the invented surname stems: more names, as a real list has (be, ru, latin).
PREFIXES = [
    ("", "", ""), ("Бар", "Бор", "Bar"), ("Вал", "Вал", "Val"), ("Гар", "Гор", "Har"), ("Дуб", "Дуб", "Dub"),
    ("Зам", "Зам", "Zam"), ("Кал", "Кол", "Kal"), ("Лес", "Лес", "Les"), ("Мар", "Мар", "Mar"),
    ("Нар", "Нор", "Nar"), ("Пал", "Пол", "Pal"), ("Рач", "Роч", "Rach"), ("Сал", "Сол", "Sal"),
    ("Тар", "Тор", "Tar"), ("Умк", "Умк", "Umk"), ("Фал", "Фал", "Fal"), ("Хар", "Хор", "Khar"),
    ("Цар", "Цар", "Tsar"), ("Чар", "Чор", "Char"), ("Шал", "Шол", "Shal"),
]  # fmt: skip


def _date(day: datetime.date, rng: random.Random, month: float, year: float) -> str:
    """A date as the list writes it: mostly the day, sometimes only the month or the year."""
    draw = rng.random()
    if draw < year:
        return str(day.year)
    if draw < year + month:
        return day.strftime("%m.%Y")
    return day.strftime("%d.%m.%Y")


def _cell(facility, rng: random.Random) -> str:
    _slug, _kind, short, name_ru, _en, postcode, address = facility
    town = address.split(",")[0].removeprefix("г. ").removeprefix("пос. ")
    return rng.choice(
        [f"{short}, {postcode}, {address}"] * 6 + [f"{name_ru} ({town})", f"{short}, {postcode}", short]
    )


# Invented syllables (cyrillic, latin) that spell a row's number as a third word of its name, with
# --distinct-names: every row then has a name key of its own, as in a real list.
SYLLABLES = [
    ("ка", "ka"),
    ("ло", "lo"),
    ("ма", "ma"),
    ("ну", "nu"),
    ("ра", "ra"),
    ("со", "so"),
    ("ту", "tu"),
    ("да", "da"),
]


def spelled(number: int) -> tuple[str, str]:
    cyrillic, latin = [], []
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        cyrillic.append(SYLLABLES[digit][0])
        latin.append(SYLLABLES[digit][1])
        if not number:
            return "".join(cyrillic).capitalize(), "".join(latin).capitalize()


def synthetic_rows(n: int, seed: int = 6, distinct_names: bool = False) -> list[dict]:
    from cases.demo.builder import FEMALE_NAMES, MALE_NAMES, SURNAME_STEMS, surname_forms

    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        female = rng.random() < 0.15
        given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        be, ru, latin = surname_forms(rng.choice(SURNAME_STEMS), female=female)
        p_be, p_ru, p_latin = rng.choice(PREFIXES)
        if p_be:
            be, ru, latin = p_be + be.lower(), p_ru + ru.lower(), p_latin + latin.lower()
        name = rng.choice([f"{be} {given.be}", f"{ru} {given.ru}", f"{latin} {given.latin}"])
        if distinct_names:
            cyrillic, latin_word = spelled(i)
            name += f" {latin_word if name.isascii() else cyrillic}"
        arrested = datetime.date(2020, 8, 9) + datetime.timedelta(days=rng.randrange(1900))
        verdict = arrested + datetime.timedelta(days=rng.randrange(60, 300))
        current = rng.random() < 0.6
        sentenced = verdict < datetime.date(2026, 1, 1) and rng.random() < (0.75 if current else 0.8)
        charges = rng.sample(ARTICLES, rng.choice([1, 1, 2, 3]))
        if rng.random() < 0.01:
            charges.append("ст. 999")
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
        decision, penalty = rng.choice(SENTENCES) if sentenced else ("", "")
        prison = ""
        if current:
            if rng.random() < 0.01:
                prison = rng.choice(UNKNOWN_PLACES)
            else:
                prison = _cell(rng.choice(COLONIES if sentenced else PRE_TRIAL), rng)
        recognised = arrested + datetime.timedelta(days=30)
        declaration = (
            f"https://list.example.org/declarations/{100000 + i}"
            if rng.random() < 0.95
            else recognised.strftime("%d.%m.%Y")
        )
        released = (verdict if sentenced else arrested) + datetime.timedelta(days=rng.randrange(30, 400))
        released = min(released, datetime.date(2026, 11, 1))
        rows.append(
            {
                "id": str(100000 + i),
                "url": f"https://list.example.org/person/{100000 + i}",
                "name": name,
                "status": CURRENT if current else FORMER,
                "birthday": _date(birth, rng, month=0.15, year=0.05),
                "gender": "ж" if female else "м",
                "arrested": _date(arrested, rng, month=0.07, year=0.03),
                "articles": "; ".join(charges),
                "verdict_date": _date(verdict, rng, month=0.05, year=0.0) if sentenced else "",
                "decision": decision,
                "penalty": penalty,
                "judge": f"Судья № {rng.randrange(1, 200)}" if sentenced else "",
                "prosecutor": f"Прокурор № {rng.randrange(1, 200)}" if sentenced else "",
                "prison": prison,
                "declaration": declaration,
                "release_date": "" if current else released.strftime("%d.%m.%Y"),
                "died": "",
            }
        )
    return rows


def to_csv(rows: list[dict]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def empty_registry() -> None:
    """Drop the people, cases, import runs and facilities of earlier runs; keep the law data."""
    from django.db import connection

    keep = ("jurisdiction", "region", "article", "watchlistentry")
    tables = [
        t
        for t in connection.introspection.table_names()
        if t.startswith("cases_") and not any(t in (f"cases_{k}", f"cases_historical{k}") for k in keep)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def make_facilities() -> None:
    from cases import services
    from cases.models import Facility, Jurisdiction

    by = Jurisdiction.objects.get(code="BY")
    for slug, kind, short, name_ru, name_en, postcode, address in FACILITIES:
        services.save_detail(
            instance=Facility(
                jurisdiction=by,
                slug=slug,
                kind=kind,
                short_name=short,
                name_ru=name_ru,
                name_en=name_en,
                postcode=postcode,
                postal_address=f"{postcode}, {address}",
            )
        )


TABLES = ("cases_person", "cases_personname", "cases_externalidentifier", "cases_case", "cases_charge")


def insert_people_sql(cursor, *, people: int, charges: int, tag: str) -> None:
    """`people` people, each with a primary name, the list's id and url, one case, and `charges`
    charges over those cases, by plain INSERT ... SELECT generate_series (explicit ids after the
    current maximum, so the rows of one call refer to each other without a round trip)."""
    cursor.execute("SELECT id FROM cases_jurisdiction WHERE code = 'BY'")
    (by,) = cursor.fetchone()
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM cases_article WHERE jurisdiction_id = %s", [by])
    (articles,) = cursor.fetchone()
    bases = {}
    for table in TABLES:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (our table names)
        bases[table] = cursor.fetchone()[0]
    p, c = bases["cases_person"], bases["cases_case"]
    params = {"n": people, "p": p, "c": c, "tag": tag, "by": by, "articles": articles}
    cursor.execute(
        """INSERT INTO cases_person (id, public_id, slug, sex, birth_date, birth_date_precision, citizenship,
               occupation, biography, internal_notes, publication_state, created_at, updated_at, contacts)
           SELECT %(p)s + g, gen_random_uuid(), %(tag)s || g,
               CASE WHEN g %% 7 = 0 THEN 'female' ELSE 'male' END,
               DATE '1950-01-01' + (g %% 20000), 'day', '', '', '', '', 'draft', now(), now(), ''
           FROM generate_series(1, %(n)s) g""",
        params,
    )
    cursor.execute(
        """INSERT INTO cases_personname (id, text, script, kind, is_primary, search_key, person_id,
               as_of_precision)
           SELECT %(pn)s + g, 'Прэфіл' || g || ' Аляксандр', 'be_cyrl', 'official_be', true,
               'prefil' || g || ' aliaksandr', %(p)s + g, 'unknown'
           FROM generate_series(1, %(n)s) g""",
        {**params, "pn": bases["cases_personname"]},
    )
    cursor.execute(
        """INSERT INTO cases_externalidentifier (id, scheme, value, created_at, person_id)
           SELECT %(e)s + 2 * g - 1, 'prisoners-list', %(tag)s || g, now(), %(p)s + g
           FROM generate_series(1, %(n)s) g
           UNION ALL
           SELECT %(e)s + 2 * g, 'url', 'https://list.example.org/person/' || %(tag)s || g, now(), %(p)s + g
           FROM generate_series(1, %(n)s) g""",
        {**params, "e": bases["cases_externalidentifier"]},
    )
    cursor.execute(
        """INSERT INTO cases_case (id, public_id, case_number, investigating_body, detention_date,
               detention_date_precision, detention_place, status, court, verdict_date, verdict_date_precision,
               sentence_kind, sentence_years, sentence_regime, recognised_on_precision, recognised_by,
               recognition_statement_url, recognition_criteria, risk_level, risk_stale, risk_generation,
               risk_assessed_generation, risk_digest, created_at, updated_at, jurisdiction_id, person_id,
               judge, prosecutor)
           SELECT %(c)s + g, gen_random_uuid(), '', '', DATE '2020-08-09' + (g %% 1900), 'day', '',
               'convicted', '', DATE '2020-08-09' + (g %% 1900) + 90, 'day', 'deprivation_of_liberty', 3,
               'general',
               'unknown', 'political-prisoner list', 'https://list.example.org/declarations/' || %(tag)s || g,
               '[]'::jsonb, 'none', true, 1, 0, '', now(), now(), %(by)s, %(p)s + g, 'Судья', 'Прокурор'
           FROM generate_series(1, %(n)s) g""",
        params,
    )
    cursor.execute(
        """INSERT INTO cases_charge (id, public_id, stage, state, created_at, article_id, case_id, person_id,
               charged_on_precision, offence_date_precision)
           SELECT %(ch)s + g, gen_random_uuid(), 'completed', 'active', now(),
               (%(articles)s::bigint[])[1 + g %% cardinality(%(articles)s::bigint[])],
               %(c)s + 1 + (g - 1) %% %(n)s, %(p)s + 1 + (g - 1) %% %(n)s, 'unknown', 'unknown'
           FROM generate_series(1, %(charges)s) g""",
        {**params, "ch": bases["cases_charge"], "charges": charges},
    )


def prefill_registry(people: int) -> float:
    """The registry's other people, committed; returns the seconds it took."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_people_sql(cursor, people=people, charges=people * 7 // 4, tag="prefill-")
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def floor_seconds(people: int, charges: int) -> float:
    """The raw-SQL floor: the file's people, names, ids, cases and charges inserted by plain SQL
    into the same tables, in a transaction that is rolled back."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_people_sql(cursor, people=people, charges=charges, tag="floor-")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


# Memory ---------------------------------------------------------------------------------------


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM to the current resident set (Linux 4.0+)
        return True
    except OSError:
        return False


class Phase:
    """Time and memory of one phase: peak RSS over the phase, less the RSS at its start."""

    def __init__(self, label: str, traced: bool):
        self.label, self.traced = label, traced

    def __enter__(self):
        gc.collect()
        self.reset = _reset_peak_rss()
        self.rss_start = _status_kb("VmRSS")
        if self.traced:
            tracemalloc.reset_peak()
            self.traced_start = tracemalloc.get_traced_memory()[0]
        self.timer = Timer(self.label).__enter__()
        return self

    def __exit__(self, *exc):
        self.timer.__exit__(*exc)
        self.seconds = self.timer.seconds
        self.peak_rss = _status_kb("VmHWM")
        self.peak_mb = (self.peak_rss - self.rss_start) / 1024
        self.traced_mb = float("nan")
        if self.traced:
            self.traced_mb = (tracemalloc.get_traced_memory()[1] - self.traced_start) / 2**20
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"  memory: peak RSS {self.peak_rss / 1024:.0f} MB = start {self.rss_start / 1024:.0f} MB "
            f"+ {self.peak_mb:.0f} MB during the phase{'' if self.reset else ' (VmHWM NOT reset)'}; "
            f"tracemalloc peak above start {self.traced_mb:.0f} MB; "
            f"ru_maxrss (process high-water mark) {maxrss / 1024:.0f} MB",
            flush=True,
        )


def report_mb(report) -> float:
    """The size of the report the run stored (its JSON and its lines' texts): it grows with the
    file's problems, warnings and written rows, on disk; the importer holds none of it whole."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT octet_length(report::text) + (SELECT coalesce(sum(octet_length(text) + "
            'octet_length("column")), 0) FROM cases_importrunline WHERE run_id = %s) '
            "FROM cases_importrun WHERE id = %s",
            [report.import_run_id, report.import_run_id],
        )
        return cursor.fetchone()[0] / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--registry", type=int, default=100_000, help="other people already in the registry")
    parser.add_argument("--skip-dry-run", action="store_true", help="time the real run and re-imports only")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--changed", action="store_true", help="also re-import, 1%% of articles changed")
    parser.add_argument("--sweep", action="store_true", help="also time the assessment sweep afterwards")
    parser.add_argument(
        "--distinct-names",
        action="store_true",
        help="a name key of its own for every row (no same-name warnings)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the real run: top 15 cumulative")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model

    from cases.models import ChargeToReview, Facility, ImportRunLine, Person, Reclassification
    from cases.risk import queue as assessment_queue
    from cases.tasks import task_sweep_stale_cases
    from cases.transfer.importing import get_mapping, run_import
    from cases.transfer.notation import parse_charges

    # The workers assess after commit; the sweep is timed separately below.
    assessment_queue.enqueue_sweep = lambda: None
    assessment_queue.enqueue_assessments = lambda case_ids: 0

    empty_registry()
    make_facilities()
    prefill_s = prefill_registry(args.registry)
    print(f"registry pre-filled by SQL with {Person.objects.count()} other people in {prefill_s:.1f} s")
    user, _ = get_user_model().objects.get_or_create(username="bench-importer", defaults={"is_staff": True})
    mapping = get_mapping("prisoners-list")
    rows = synthetic_rows(args.rows, distinct_names=args.distinct_names)
    data = to_csv(rows)
    file_charges = sum(len(parse_charges(r["articles"], country="BY").charges) for r in rows)
    row_count = len(rows)
    # The import runs in a process that holds the file's bytes, as `import_people` does, not the
    # generator's 100,000 dicts: every full garbage collection of the run walked them (the real
    # run at 20,000 rows: 44.1 s with them held, 37.2 s without; docs/scaling.md).
    del rows
    print(f"{row_count} rows, {len(data) / 1e6:.1f} MB CSV, {file_charges} charges", flush=True)
    if args.tracemalloc:
        tracemalloc.start()

    floor_s = floor_seconds(row_count, file_charges)
    print(f"floor (plain SQL insert of {row_count} people + names + ids + cases + {file_charges} charges, "
          f"rolled back): {floor_s:.3f} s", flush=True)  # fmt: skip

    def timed(label, payload, **kwargs):
        with Phase(label, args.tracemalloc) as phase:
            report = run_import(payload, file_name="bench.csv", mapping=mapping, by=user, **kwargs)
        print(
            f"  {report.state}: {report.created} created, {report.updated} updated, {report.unchanged} "
            f"unchanged, {report.rejected} rejected, {report.problem_count} problems, "
            f"{report.warning_count} warnings, {report.kept_cells} cells kept",
            flush=True,
        )
        if report.problems:
            print("  first problems:", [str(p) for p in report.problems[:5]])
        print(f"  the run's stored report (problems, warnings, row outcomes): {report_mb(report):.1f} MB")
        return report, phase

    dry = None
    if not args.skip_dry_run:
        _, dry = timed("dry run", data, dry_run=True)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    real_report, real = timed("real run", data)
    if args.profile:
        profiler.disable()
        # For a closer look: python -m pstats bench/results/import_rows.prof (not committed).
        profiler.dump_stats(os.path.join(os.path.dirname(__file__), "results", "import_rows.prof"))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    warnings = {}
    lines = ImportRunLine.objects.filter(run_id=real_report.import_run_id, kind=ImportRunLine.Kind.WARNING)
    for text in lines.values_list("text", flat=True).iterator(chunk_size=5000):
        kind = " ".join(w for w in text.split()[:6] if not any(ch.isdigit() for ch in w))
        warnings[kind] = warnings.get(kind, 0) + 1
    print("  warnings by kind:", dict(sorted(warnings.items(), key=lambda kv: -kv[1])[:8]))
    history_before = Person.history.count()
    again, noop = timed("re-import of the same file", data)
    assert again.created == again.updated == 0 and Person.history.count() == history_before, "not a no-op"
    changed_s, changed_updated = float("nan"), 0
    if args.changed:
        changed_rows = synthetic_rows(args.rows, distinct_names=args.distinct_names)  # the same rows
        candidates = [
            r for r in changed_rows if "ч. 1 ст. 342" in r["articles"] and "ч. 2 ст. 293" not in r["articles"]
        ]
        for r in random.Random(7).sample(candidates, min(len(candidates), max(1, row_count // 100))):
            r["articles"] = r["articles"].replace("ч. 1 ст. 342", "ч. 2 ст. 293")
        changed, changed_phase = timed("re-import with 1% of the articles changed", to_csv(changed_rows))
        changed_s, changed_updated = changed_phase.seconds, changed.updated
    sweep_s = float("nan")
    if args.sweep:
        started = time.perf_counter()
        task_sweep_stale_cases()
        sweep_s = time.perf_counter() - started
        print(f"assessment sweep of the stale cases (the workers' share): {sweep_s:.3f} s")
    print(
        f"people {Person.objects.count()}, reclassifications {Reclassification.objects.count()}, "
        f"charges to review {ChargeToReview.objects.count()}, "
        f"facilities proposed {Facility.objects.filter(needs_review=True).count()}"
    )
    # Tracing slows Python several times over: such a run's times say nothing about the target.
    target = "n/a (traced)" if args.tracemalloc else "met" if real.seconds < 180 else "NOT met"
    dry_s = dry.seconds if dry else float("nan")
    dry_mb = dry.peak_mb if dry else float("nan")
    dry_traced = dry.traced_mb if dry else float("nan")
    print(
        f"RESULT rows={row_count} registry={args.registry} "
        f"names={'distinct' if args.distinct_names else 'repeating'} dry_run_s={dry_s:.1f} "
        f"real_run_s={real.seconds:.1f} reimport_noop_s={noop.seconds:.1f} floor_s={floor_s:.2f} "
        f"real_over_floor={real.seconds / floor_s:.0f}x "
        f"peak_rss_delta_mb(dry/real/noop)={dry_mb:.0f}/{real.peak_mb:.0f}/{noop.peak_mb:.0f} "
        f"tracemalloc_peak_mb(dry/real/noop)={dry_traced:.0f}/{real.traced_mb:.0f}/{noop.traced_mb:.0f} "
        f"ru_maxrss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} "
        f"reimport_1pct_changed_s={changed_s:.1f} (updated {changed_updated}) sweep_s={sweep_s:.1f} "
        f"tracemalloc={'on' if args.tracemalloc else 'off'} "
        f"target_real_run_under_180s={target}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
