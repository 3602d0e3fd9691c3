"""Benchmark: importing 10,000 rows of the political-prisoner list layout into PostgreSQL.

    .venv/bin/python bench/import_rows.py [--rows 10000]

Uses a database of its own (BENCH_DATABASE_URL, default .../registry_bench_import), emptied of
people, cases and import runs at the start. It writes a synthetic CSV in the prisoners-list
layout: invented names (the demo data's invented surname stems and common given names, never a
real detainee), real Belarus articles (1% of rows also carry an article the law data does not
know, which becomes a charge to review), partial birth dates, sentences, facilities. Then it
times, through `run_import` exactly as the admin and the command call it:

  - the dry run (everything rehearsed in a transaction that is rolled back);
  - the real run (10,000 people, cases, charges, identifiers written through the services);
  - the same file again (a no-op: nothing may be created, updated or written);
  - a file where 1% of the rows changed an article (reclassifications).

Risk assessment is the workers' job after commit: here the queueing is switched off while the
import is timed, and the sweep that a worker would run is timed on its own.
"""

import argparse
import datetime
import os
import random
import sys
import time

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
STATUSES = ["осужден"] * 5 + ["задержан", "освобожден", "освобожден", "в розыске", "суд"]
PENALTIES = [
    "3 года колонии общего режима", "2 г. 6 мес. колонии усиленного режима", "5 лет", "штраф",
    "1,5 года ограничения свободы с направлением в учреждение открытого типа", "4 года колонии общего режима",
]  # fmt: skip
FACILITIES = [f"Synthetic colony No. {n}" for n in range(1, 9)]


def synthetic_rows(n: int, seed: int = 6) -> list[dict]:
    from cases.demo.builder import FEMALE_NAMES, MALE_NAMES, SURNAME_STEMS, surname_forms

    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        female = rng.random() < 0.15
        given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        be, ru, latin = surname_forms(rng.choice(SURNAME_STEMS), female=female)
        name = rng.choice([f"{be} {given.be}", f"{ru} {given.ru}", f"{latin} {given.latin}"])
        arrested = datetime.date(2020, 8, 9) + datetime.timedelta(days=rng.randrange(1900))
        status = rng.choice(STATUSES)
        verdict = arrested + datetime.timedelta(days=rng.randrange(60, 300))
        sentenced = status in ("осужден", "освобожден") and verdict < datetime.date(2026, 1, 1)
        charges = rng.sample(ARTICLES, rng.choice([1, 1, 2, 3]))
        if rng.random() < 0.01:
            charges.append("ст. 999")
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
        birthday = rng.choice([birth.strftime("%d.%m.%Y")] * 6 + [birth.strftime("%m.%Y"), str(birth.year)])
        rows.append(
            {
                "id": str(100000 + i),
                "url": f"https://list.example.org/person/{100000 + i}",
                "name": name,
                "status": status,
                "birthday": birthday,
                "gender": "ж" if female else "м",
                "arrested": arrested.strftime("%d.%m.%Y"),
                "articles": "; ".join(charges),
                "verdict_date": verdict.strftime("%d.%m.%Y") if sentenced else "",
                "decision": "",
                "penalty": rng.choice(PENALTIES) if sentenced else "",
                "judge": f"Судья № {rng.randrange(1, 200)}" if sentenced else "",
                "prosecutor": f"Прокурор № {rng.randrange(1, 200)}" if sentenced else "",
                "prison": rng.choice(FACILITIES) if status == "осужден" else "",
                "declaration": (arrested + datetime.timedelta(days=30)).strftime("%d.%m.%Y"),
                "release_date": (verdict + datetime.timedelta(days=200)).strftime("%d.%m.%Y")
                if status == "освобожден" and sentenced
                else "",
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
    """Drop the people, cases and import runs of earlier runs; keep the law data."""
    from django.db import connection

    keep = ("jurisdiction", "region", "article", "watchlistentry", "facility")
    tables = [
        t
        for t in connection.introspection.table_names()
        if t.startswith("cases_") and not any(t in (f"cases_{k}", f"cases_historical{k}") for k in keep)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def ensure_facilities() -> None:
    from cases import services
    from cases.models import Facility, Jurisdiction

    by = Jurisdiction.objects.get(code="BY")
    for n, name in enumerate(FACILITIES, start=1):
        if not Facility.objects.filter(slug=f"bench-colony-{n}").exists():
            services.save_detail(
                instance=Facility(jurisdiction=by, slug=f"bench-colony-{n}", kind="colony", name_en=name)
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--skip-dry-run", action="store_true", help="time the real run and re-imports only")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model

    from cases.models import ChargeToReview, Person, Reclassification
    from cases.risk import queue as assessment_queue
    from cases.tasks import task_sweep_stale_cases
    from cases.transfer.importing import get_mapping, run_import

    # The workers assess after commit; the sweep is timed separately below.
    assessment_queue.enqueue_sweep = lambda: None
    assessment_queue.enqueue_assessments = lambda case_ids: 0

    empty_registry()
    ensure_facilities()
    user, _ = get_user_model().objects.get_or_create(username="bench-importer", defaults={"is_staff": True})
    mapping = get_mapping("prisoners-list")
    rows = synthetic_rows(args.rows)
    data = to_csv(rows)
    print(f"{len(rows)} rows, {len(data) / 1e6:.1f} MB CSV", flush=True)

    def timed(label, payload, **kwargs):
        with Timer(label) as timer:
            report = run_import(payload, file_name="bench.csv", mapping=mapping, by=user, **kwargs)
        print(
            f"  {report.state}: {report.created} created, {report.updated} updated, {report.unchanged} "
            f"unchanged, {report.rejected} rejected, {len(report.problems)} problems, "
            f"{len(report.warnings)} warnings",
            flush=True,
        )
        if report.problems:
            print("  first problems:", [str(p) for p in report.problems[:5]])
        return report, timer.seconds

    dry_s = float("nan")
    if not args.skip_dry_run:
        _, dry_s = timed("dry run", data, dry_run=True)
    _, real_s = timed("real run", data)
    history_before = Person.history.count()
    again, again_s = timed("re-import of the same file", data)
    assert again.created == again.updated == 0 and Person.history.count() == history_before, "not a no-op"
    changed_rows = [dict(r) for r in rows]
    candidates = [
        r for r in changed_rows if "ч. 1 ст. 342" in r["articles"] and "ч. 2 ст. 293" not in r["articles"]
    ]
    for r in random.Random(7).sample(candidates, min(len(candidates), max(1, len(rows) // 100))):
        r["articles"] = r["articles"].replace("ч. 1 ст. 342", "ч. 2 ст. 293")
    changed, changed_s = timed("re-import with 1% of the articles changed", to_csv(changed_rows))
    started = time.perf_counter()
    task_sweep_stale_cases()
    sweep_s = time.perf_counter() - started
    print(f"assessment sweep of the imported cases (the workers' share): {sweep_s:.3f} s")
    print(
        f"people {Person.objects.count()}, reclassifications {Reclassification.objects.count()}, "
        f"charges to review {ChargeToReview.objects.count()}"
    )
    print(
        f"RESULT rows={len(rows)} dry_run_s={dry_s:.2f} real_run_s={real_s:.2f} "
        f"reimport_noop_s={again_s:.2f} reimport_1pct_changed_s={changed_s:.2f} "
        f"(updated {changed.updated}) sweep_s={sweep_s:.2f} "
        f"target_real_run_under_30s={'met' if real_s < 30 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
