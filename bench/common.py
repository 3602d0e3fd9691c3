"""Shared set-up for the benchmarks: a PostgreSQL database of their own, filled synthetically."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/registry_bench")


def setup_django(broker_url: str | None = None) -> None:
    os.environ["DATABASE_URL"] = BENCH_DB_URL
    os.environ.setdefault("REGISTRY_ENV", "development")
    os.environ["DEBUG"] = "0"
    # The benchmarks time building the answers; bench/public_list.py times the kept ones apart.
    os.environ.setdefault("ANONYMOUS_PAGE_CACHE", "0")
    if broker_url:
        os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import psycopg

    name = BENCH_DB_URL.rsplit("/", 1)[1]
    admin_url = BENCH_DB_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Bulk-filled tables need fresh planner statistics, as autovacuum would give them in production.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with open(os.devnull, "w") as quiet:
        call_command("load_law", verbosity=0, stdout=quiet)


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        print(f"{self.label}: {self.seconds:.3f} s", flush=True)


def time_page(client, raw, url: str, params: dict, *, rounds: int, floor_rounds: int = 5):
    """One page through Django's test client: warmed twice, then the median of `rounds` requests
    (ms), the median of its SQL replayed `floor_rounds` times on the plain psycopg connection `raw`
    (the raw-SQL floor, ms), and how many queries it made."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    sqls = [q["sql"] for q in queries.captured_queries]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url, params)
        times.append(time.perf_counter() - start)
    floors = []
    for _ in range(floor_rounds):
        start = time.perf_counter()
        for sql in sqls:
            raw.execute(sql).fetchall()
        floors.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, statistics.median(floors) * 1000, len(sqls)
