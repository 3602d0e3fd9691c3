"""Benchmark: searching a name at 100,000 people in PostgreSQL, in any script or spelling.

    .venv/bin/python bench/name_search.py          (after bench/full_pass.py has filled the database)

Gives every person three spellings of an invented name (bench_names.py), then times
GET /api/v1/people/?q=... through Django's test client in-process for 30 searches: full
names and surnames of existing people, each written in another script than the one searched
for most of the time (Latin for a Belarusian name, Russian for a Latin one), and a given name
alone (thousands of matches: the worst case for the first page). Reports the median of all
the searches (each repeated 3 times) and the raw SQL of the same requests for comparison.
Target: median under 50 ms.
"""

import random
import statistics
import time

from common import setup_django


def main() -> None:
    setup_django()
    import psycopg
    from bench_names import add_names
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Person, PersonName

    if Person.objects.count() < 100_000:
        raise SystemExit("run bench/full_pass.py first: it fills the benchmark database")
    add_names()
    Person.objects.filter(publication_state="draft").update(
        publication_state="published", published_at="2026-01-01T00:00:00Z"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{PersonName.objects.count()} names of {Person.objects.count()} people")

    rng = random.Random(11)
    sample = list(PersonName.objects.order_by("?").values_list("person_id", flat=True)[:200])
    names_of = {}
    for person_id, text, script in PersonName.objects.filter(person_id__in=sample).values_list(
        "person_id", "text", "script"
    ):
        names_of.setdefault(person_id, {})[script] = text
    queries = []
    for person_id in sample[:24]:
        spellings = names_of[person_id]
        script = rng.choice(["latin", "ru_cyrl", "be_cyrl"])
        full = spellings[script]
        queries.append(full if len(queries) % 2 == 0 else full.split()[-1])
    queries += ["Aliaksandr", "Ольга", "Mikalai", "Hanna", "Tatsiana", "Siarhei"]

    client = Client()
    matches, per_query, times = {}, [], []
    for query in queries:
        response = client.get("/api/v1/people/", {"q": query})
        assert response.status_code == 200, response.content[:300]
        matches[query] = response.json()["count"]
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/people/", {"q": query})
        per_query.append([q["sql"] for q in captured.captured_queries])
    for _ in range(3):
        for query in queries:
            start = time.perf_counter()
            client.get("/api/v1/people/", {"q": query})
            times.append(time.perf_counter() - start)
    db = settings.DATABASES["default"]
    raw_times = []
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as conn:
        for _ in range(3):
            for sqls in per_query:
                start = time.perf_counter()
                for sql in sqls:
                    conn.execute(sql).fetchall()
                raw_times.append(time.perf_counter() - start)
    for query in queries[:6] + queries[-6:]:
        print(f"  {query!r}: {matches[query]} people")
    median, raw = statistics.median(times), statistics.median(raw_times)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print(
        f"RESULT searches={len(queries)} api_median={median * 1000:.1f}ms p95={p95 * 1000:.1f}ms "
        f"max={times[-1] * 1000:.1f}ms raw_sql_median={raw * 1000:.1f}ms ratio={median / raw:.2f}x"
    )


if __name__ == "__main__":
    main()
