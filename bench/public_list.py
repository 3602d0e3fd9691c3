"""Benchmark: the public list `/people/` at 100,000 published people (issue 21: median within 50 ms).

    .venv/bin/python bench/public_list.py [--rounds 20]
        (after bench/full_pass.py and bench/api_people.py have filled and published the database)

Each list (page 1, a deep page, each filter, a name search) is fetched in-process through
Django's test client as an anonymous reader, warmed twice (so the count is cached for the data
version, as for every reader after the first), then timed `--rounds` times; the median is
reported with the SQL of one request replayed with plain psycopg (the raw-SQL floor, same run).
The page cache is the process's own memory here (no CACHE_URL), as in `make run`.
"""

import argparse
import statistics
import time

from common import BENCH_DB_URL, setup_django

TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Person, PersonName

    people = Person.objects.published().count()
    if people < 100_000:
        raise SystemExit(
            "run bench/full_pass.py, then bench/api_people.py: they fill and publish the database"
        )
    regions = Person.objects.published().exclude(region=None).values_list("region__code", flat=True)
    region = regions.first() or "minsk"  # the benchmark's people may have no region
    surname = PersonName.objects.filter(script="latin").order_by("pk").values_list("text", flat=True)[4000]
    lists = [
        ("page 1", {}),
        ("page 1,000", {"page": 1000}),
        ("risk: elevated or higher", {"risk_level": "at_risk"}),
        ("risk: critical", {"risk_level": "critical"}),
        ("article 342", {"article": "342"}),
        ("status: held now", {"status": "held"}),
        (f"region: {region}", {"region": region}),
        ("detained after 2023-01-01", {"detained_after": "2023-01-01"}),
        (f"search {surname!r}", {"q": surname}),
    ]
    client = Client()
    rows = []
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as raw:
        for label, params in lists:
            for _ in range(2):
                response = client.get("/people/", params)
                assert response.status_code == 200, (label, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get("/people/", params)
            sqls = [q["sql"] for q in queries.captured_queries]
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                client.get("/people/", params)
                times.append(time.perf_counter() - start)
            floors = []
            for _ in range(5):
                start = time.perf_counter()
                for sql in sqls:
                    raw.execute(sql).fetchall()
                floors.append(time.perf_counter() - start)
            median, floor = statistics.median(times) * 1000, statistics.median(floors) * 1000
            rows.append((label, median))
            print(
                f"{label:<32} median {median:7.1f} ms  SQL {floor:6.1f} ms ({len(sqls)} queries)  "
                f"{'ok' if median <= TARGET_MS else 'OVER'}",
                flush=True,
            )
    worst = max(rows, key=lambda row: row[1])
    print(
        f"\nRESULT people={people} lists={len(rows)} over_{TARGET_MS}ms="
        f"{sum(1 for row in rows if row[1] > TARGET_MS)} worst={worst[1]:.0f}ms ({worst[0]})"
    )


if __name__ == "__main__":
    main()
