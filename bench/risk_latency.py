"""Benchmark: from a reclassification made through the service to the new level stored, with a
real Celery worker and Redis. Target p95 under 2 seconds.

    .venv/bin/python bench/risk_latency.py [--samples 50]

Uses the benchmark database (BENCH_DATABASE_URL) and Redis database 13 (BENCH_BROKER_URL).
"""

import argparse
import datetime
import os
import signal
import statistics
import subprocess
import sys
import time

from common import BENCH_DB_URL, ROOT, setup_django

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    setup_django(broker_url=BROKER)
    import redis

    from cases import services
    from cases.models import Case, Jurisdiction
    from tests.factories import article

    redis.Redis.from_url(BROKER).flushdb()
    env = dict(os.environ) | {
        "DATABASE_URL": BENCH_DB_URL,
        "CELERY_BROKER_URL": BROKER,
        "REGISTRY_ENV": "development",
        "DEBUG": "0",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "registry",
            "worker",
            "-c",
            str(args.concurrency),
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        by = Jurisdiction.objects.get(code="BY")
        charges = []
        for _ in range(args.samples):
            person = services.create_person(
                names=[services.NameSpec("Латэнсі Бенч", "be_cyrl", "official_be", is_primary=True)],
                sex="male",
                birth_date=datetime.date(1990, 1, 1),
                birth_date_precision="day",
                is_official_or_military=False,
            )
            case = services.create_case(
                person=person, jurisdiction=by, detention_date=datetime.date(2022, 3, 1)
            )
            charges.append(
                services.add_charge(
                    case=case,
                    article=article("342.1"),
                    offence_date=datetime.date(2022, 2, 20),
                    charged_on=datetime.date(2022, 3, 2),
                )
            )
        deadline = time.monotonic() + 120
        ids = [c.case_id for c in charges]
        while Case.objects.filter(pk__in=ids, risk_stale=True).exists():  # the worker is up and idle
            if time.monotonic() > deadline:
                sys.exit("the worker did not assess the set-up cases within 120 s")
            time.sleep(0.1)

        latencies = []
        target = article("289.3")
        for charge in charges:
            started = time.perf_counter()
            services.reclassify_charge(charge=charge, to_article=target, on=datetime.date(2022, 6, 1))
            while True:
                level, stale = (
                    Case.objects.filter(pk=charge.case_id).values_list("risk_level", "risk_stale").get()
                )
                if level == "critical" and not stale:
                    break
                if time.perf_counter() - started > 30:
                    sys.exit(f"case {charge.case_id} not assessed within 30 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(round(q * (len(latencies) - 1))))]  # noqa: E731
    print(
        f"RESULT samples={len(latencies)} p50={p(0.5) * 1000:.0f}ms p95={p(0.95) * 1000:.0f}ms "
        f"max={latencies[-1] * 1000:.0f}ms mean={statistics.mean(latencies) * 1000:.0f}ms "
        f"worker_concurrency={args.concurrency}"
    )


if __name__ == "__main__":
    main()
