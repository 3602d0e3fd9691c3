"""Benchmark: the public list, person pages, the API people list and the change feed at 100,000
published people (issue 21: lists within 50 ms, a person page within 30 ms).

    .venv/bin/python bench/public_list.py [--rounds 20]
        (after bench/full_pass.py and bench/api_people.py have filled and published the database)

Each page (the list's page 1, a deep page, each filter, a name search; five person pages; the
API people list's page 1 and a deep page; the change feed from an old and the newest cursor) is
fetched in-process through
Django's test client as an anonymous reader, warmed twice (so the count is cached for the data
version, as for every reader after the first), then timed `--rounds` times; the median is
reported with the SQL of one request replayed with plain psycopg (the raw-SQL floor, same run).
First every answer is built (ANONYMOUS_PAGE_CACHE off: what the first reader after a change
waits for), then the same pages are timed as kept whole (registry.page_cache, in the process's
own memory here, Redis in production). The API's anonymous throttle is off (one client asks
hundreds of times a minute).
"""

import argparse
import os

from common import BENCH_DB_URL, setup_django, time_page

TARGET_MS = 50
PERSON_MS = 30


def _give_regions() -> None:
    """full_pass.py fills people without a region: give each one of Belarus's seven (by id, so
    the same people every time), then VACUUM ANALYZE the table (autovacuum is off here), so the
    region filter measures a real list."""
    from django.db import connection

    from cases.models import Person, Region

    if Person.objects.exclude(region=None).exists():
        return
    belarus = Region.objects.filter(jurisdiction__code="BY").order_by("code")
    regions = list(belarus.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET region_id = (%s::bigint[])[1 + id %% %s]", [regions, len(regions)]
        )
        cursor.execute("VACUUM ANALYZE cases_person")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    # One anonymous client asks the API hundreds of times a minute: its throttle would answer 429.
    os.environ["API_THROTTLE_ANON"] = "off"
    setup_django()
    import psycopg
    from django.test import Client

    from cases.models import ChangeRecord, Person, PersonName

    people = Person.objects.published().count()
    if people < 100_000:
        raise SystemExit(
            "run bench/full_pass.py, then bench/api_people.py: they fill and publish the database"
        )
    _give_regions()
    region = "grodno"  # one of seven: about 14% of the people
    surname = PersonName.objects.filter(script="latin").order_by("pk").values_list("text", flat=True)[4000]
    middle = people // 50 // 2  # the middle page: 1,000 at 100,000 people
    lists = [
        ("page 1", {}),
        (f"page {middle:,}", {"page": middle}),
        ("risk: elevated or higher", {"risk_level": "at_risk"}),
        ("risk: critical", {"risk_level": "critical"}),
        ("article 342", {"article": "342"}),
        ("status: held now", {"status": "held"}),
        (f"region: {region}", {"region": region}),
        ("detained after 2023-01-01", {"detained_after": "2023-01-01"}),
        (f"search {surname!r}", {"q": surname}),
    ]
    slugs = list(Person.objects.published().order_by("pk").values_list("slug", flat=True)[1000:6000:1000])
    pages = [("/people/", label, params) for label, params in lists]
    pages += [
        (f"/people/{slug}/", f"person page {n + 1} of {len(slugs)}", {}) for n, slug in enumerate(slugs)
    ]
    from api.pagination import KeysetPagination, order_keys
    from api.views import ChangeFeedPagination  # cursors are opaque tokens of row positions

    ordered = Person.objects.published().order_by("-updated_at", "-pk")
    keyset = KeysetPagination()
    keyset.keys = order_keys(ordered)
    middle_cursor = keyset._cursor_after(ordered.only("pk", "updated_at")[middle * 50 - 1])

    newest = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    old_cursor = ChangeFeedPagination.cursor_for(max(newest - 5000, 1))
    new_cursor = ChangeFeedPagination.cursor_for(newest) if newest else "0"
    pages += [
        ("/api/v1/people/", "API people, page 1", {}),
        ("/api/v1/people/", f"API people, page {middle:,}", {"page": middle}),
        ("/api/v1/people/", f"API people, keyset after row {middle * 50:,}", {"cursor": middle_cursor}),
        ("/api/v1/changes/", "change feed, an old cursor", {"since": old_cursor}),
        ("/api/v1/changes/", "change feed, the newest cursor", {"since": new_cursor}),
    ]
    client = Client()
    rows = []
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as raw:
        for url, label, params in pages:
            median, floor, queries = time_page(client, raw, url, params, rounds=args.rounds, floor_rounds=5)
            rows.append((label, median))
            print(
                f"{label:<32} median {median:7.1f} ms  SQL {floor:6.1f} ms ({queries} queries)  "
                f"{'ok' if median <= (PERSON_MS if label.startswith('person') else TARGET_MS) else 'OVER'}",
                flush=True,
            )
    # The same pages as readers without credentials get them in production (CACHE_URL set): the
    # answer kept whole for the data version (registry.page_cache), here in the process's memory.
    from django.conf import settings

    settings.ANONYMOUS_PAGE_CACHE = True
    print("\nkept whole (registry.page_cache), after the first reader of the data version:")
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as raw:
        for url, label, params in pages:
            median, _floor, queries = time_page(client, raw, url, params, rounds=args.rounds, floor_rounds=1)
            print(f"{label:<32} median {median:7.2f} ms  ({queries} queries)", flush=True)
    lists_only = [row for row in rows if not row[0].startswith(("person page", "API", "change"))]
    worst = max(lists_only, key=lambda row: row[1])
    print(
        f"\nRESULT people={people} public_lists={len(lists_only)} over_{TARGET_MS}ms="
        f"{sum(1 for row in lists_only if row[1] > TARGET_MS)} worst={worst[1]:.0f}ms ({worst[0]})"
    )


if __name__ == "__main__":
    main()
