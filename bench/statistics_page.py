"""Benchmark: the public /statistics/ page built afresh (its cache emptied), at the benchmark
database's size (after bench/full_pass.py and bench/api_people.py; every law-edit pass of
full_pass.py adds one assessment row per case, so the history grows with each run: the row count
is printed). Three answers, each with the cache emptied first; the slowest SQL of the last.

    .venv/bin/python bench/statistics_page.py
"""

import time

from common import setup_django


def main() -> None:
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, RiskAssessment

    print(f"{Case.objects.count()} cases, {RiskAssessment.objects.count()} assessment rows")
    client = Client()
    times = []
    for _ in range(3):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/statistics/")
            times.append(time.perf_counter() - start)
        assert response.status_code == 200
        print(f"  /statistics/ built afresh: {times[-1] * 1000:.0f} ms, {len(queries)} queries")
    sql = sum(float(q["time"]) for q in queries)
    for seconds, text in sorted(((float(q["time"]), q["sql"][:110]) for q in queries), reverse=True)[:4]:
        print(f"  {seconds * 1000:8.0f} ms  {text}")
    print(f"RESULT statistics_best={min(times) * 1000:.0f}ms sql_of_last={sql * 1000:.0f}ms")


if __name__ == "__main__":
    main()
