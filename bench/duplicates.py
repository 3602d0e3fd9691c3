"""Benchmark: the nightly duplicate search over the benchmark's 100,000 people.

Run after `bench/full_pass.py` (people) and `bench/bench_names.py` (names). It reads the
database and writes DuplicateCandidate rows, which it deletes at the end with their history rows
(unless --keep). It neither migrates nor refills the database, so it is safe beside the other
benchmarks.

    .venv/bin/python bench/duplicates.py [--runs 3] [--keep]
"""

import argparse
import os
import statistics
import time

from common import BENCH_DB_URL  # also puts the project on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the candidates found in the database")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = BENCH_DB_URL
    os.environ.setdefault("REGISTRY_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django

    django.setup()
    from cases.identity.duplicates import find_duplicates, load_facts
    from cases.models import DuplicateCandidate, Person

    if DuplicateCandidate.objects.exists() and not args.keep:
        raise SystemExit(
            "The benchmark database already lists duplicate pairs; this script would delete them."
        )
    history = DuplicateCandidate.history.model
    history_mark = history.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0
    print(f"{Person.objects.current().count():,} current people")
    start = time.perf_counter()
    load_facts()
    print(f"loading the facts alone: {time.perf_counter() - start:.2f} s")
    times = []
    try:
        for run in range(args.runs):
            start = time.perf_counter()
            result = find_duplicates()
            times.append(time.perf_counter() - start)
            print(
                f"run {run + 1}: {times[-1]:.2f} s; {result.pairs_compared:,} pairs compared, "
                f"{result.created} new, {result.updated} updated, {result.removed} removed"
            )
        print(f"best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    finally:
        if not args.keep:  # the pairs and their history rows: the database is as it was
            DuplicateCandidate.objects.all().delete()
            history.objects.filter(history_id__gt=history_mark).delete()


if __name__ == "__main__":
    main()
