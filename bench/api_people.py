"""Benchmark: the API's people list filtered by article, at 100,000 people in PostgreSQL.

    .venv/bin/python bench/api_people.py          (after bench/full_pass.py has filled the database)

Times GET /api/v1/people/?article=289 through Django's test client in-process (median of 50),
and the raw SQL of the same page (the count and the 50 rows with their names and cases) for
comparison. Target: median under 50 ms and within 3x the raw SQL.
"""

import statistics
import time

from common import setup_django


def main() -> None:
    setup_django()
    import psycopg
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Person

    if Person.objects.count() < 100_000:
        raise SystemExit("run bench/full_pass.py first: it fills the benchmark database")
    from bench_names import add_names

    add_names()
    Person.objects.filter(publication_state="draft").update(
        publication_state="published", published_at="2026-01-01T00:00:00Z"
    )
    with connection.cursor() as cursor:  # the bulk changes above need fresh planner statistics
        cursor.execute("ANALYZE")
    client = Client()
    url = "/api/v1/people/?article=289"
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    print(
        f"{response.json()['count']} people charged under art. 289; page of {len(response.json()['results'])}"
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    sqls = [q["sql"] for q in queries.captured_queries]
    print(f"{len(sqls)} queries per request")

    times = []
    for _ in range(50):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    db = settings.DATABASES["default"]
    raw_times = []
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as conn:
        for _ in range(50):
            start = time.perf_counter()
            for sql in sqls:
                conn.execute(sql).fetchall()
            raw_times.append(time.perf_counter() - start)
    median, raw = statistics.median(times), statistics.median(raw_times)
    print(
        f"RESULT api_median={median * 1000:.1f}ms raw_sql_median={raw * 1000:.1f}ms "
        f"ratio={median / raw:.2f}x "
        f"p95={sorted(times)[47] * 1000:.1f}ms"
    )


if __name__ == "__main__":
    main()
