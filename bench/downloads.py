"""Benchmark: building the files of the whole published registry (/data/registry.json and .csv).

    .venv/bin/python bench/downloads.py [--format json|csv] [--rounds 1]
        (after bench/full_pass.py and bench/api_people.py have filled and published the database)

Times `cases.transfer.published_files.build` (what beat's task runs: the export streamed through
gzip into the downloads storage, here a temporary directory) and reports its peak resident memory,
and the raw-SQL floor measured in the same run: every row of every table the export reads for
the published people (people, names, cases, charges, events, stays, claims), fetched with plain
psycopg queries and thrown away. Then it serves the built file to an anonymous reader (gzip and
plain) through Django's test client and times that too.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time

from common import BENCH_DB_URL, setup_django

# The rows the public export reads, restricted to published people as the export is.
PUBLISHED = "SELECT id FROM cases_person WHERE publication_state = 'published' AND merged_into_id IS NULL"
FLOOR_SQL = [
    f"SELECT * FROM cases_person WHERE id IN ({PUBLISHED})",
    f"SELECT * FROM cases_personname WHERE person_id IN ({PUBLISHED})",
    f"SELECT * FROM cases_case WHERE person_id IN ({PUBLISHED})",
    "SELECT ch.* FROM cases_charge ch JOIN cases_case c ON c.id = ch.case_id "
    f"WHERE c.person_id IN ({PUBLISHED})",
    "SELECT e.* FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id "
    f"WHERE e.is_public AND c.person_id IN ({PUBLISHED})",
    "SELECT s.* FROM cases_facilitystay s JOIN cases_case c ON c.id = s.case_id "
    f"WHERE c.person_id IN ({PUBLISHED})",
    f"SELECT * FROM cases_claim WHERE person_id IN ({PUBLISHED})",
]


def floor_seconds() -> float:
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as conn:
        for sql in FLOOR_SQL:
            with conn.cursor(name="floor") as cursor:  # server-side, as the export's iterator
                cursor.itersize = 2000
                cursor.execute(sql)
                for _ in cursor:
                    pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    # The files go to a directory of the benchmark's own (settings read DOWNLOADS_ROOT at start-up).
    os.environ["DOWNLOADS_ROOT"] = tempfile.mkdtemp(prefix="bench-downloads-")
    setup_django()
    from django.test import Client

    from cases.models import Person
    from cases.transfer import published_files

    people = Person.objects.published().count()
    if people == 0:
        raise SystemExit("no published person: run bench/full_pass.py, then bench/api_people.py")
    floors = [floor_seconds() for _ in range(3)]
    floor = min(floors)
    rounded = [round(f, 2) for f in floors]
    print(f"floor (raw SQL of every row the export reads, best of 3): {floor:.2f} s {rounded}")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    builds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        file = published_files.build(args.format)
        builds.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    build = min(builds)
    print(
        f"build {args.format} of {people} published people: {build:.1f} s "
        f"(rounds {[round(b, 1) for b in builds]}), "
        f"{file.size / 2**20:.0f} MiB, {file.compressed_size / 2**20:.1f} MiB compressed"
    )
    print(f"peak resident memory: {peak / 1024:.0f} MiB (before the build: {baseline / 1024:.0f} MiB)")

    client = Client()
    url = f"/data/registry.{args.format}"
    serve = {}
    for label, headers in (("gzip", {"HTTP_ACCEPT_ENCODING": "gzip"}), ("plain", {})):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.get(url, **headers)
            size = sum(len(chunk) for chunk in response.streaming_content)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        serve[label] = statistics.median(times)
        print(f"serve {label}: median {serve[label] * 1000:.0f} ms for {size / 2**20:.1f} MiB")
    conditional = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH=f'"{file.etag}"')
        conditional.append(time.perf_counter() - start)
        assert response.status_code == 304
    print(f"serve 304 (If-None-Match): median {statistics.median(conditional) * 1000:.1f} ms")
    print(
        f"\nRESULT format={args.format} people={people} build={build:.1f}s floor={floor:.2f}s "
        f"ratio={build / floor:.1f}x peak_rss={peak / 1024:.0f}MiB size={file.size / 2**20:.0f}MiB "
        f"gzip={file.compressed_size / 2**20:.1f}MiB serve_gzip={serve['gzip'] * 1000:.0f}ms "
        f"serve_plain={serve['plain'] * 1000:.0f}ms serve_304={statistics.median(conditional) * 1000:.1f}ms"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
