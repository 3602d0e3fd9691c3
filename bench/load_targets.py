"""Write the URL lists the load test rotates through, picked from the benchmark database.

    .venv/bin/python bench/load_targets.py OUT_DIR

Reads the benchmark database (BENCH_DATABASE_URL) with one plain connection and writes one file
of paths per endpoint into OUT_DIR, so that wrk spreads its requests over many people, pages
and cursors instead of hammering one hot URL:

  public_list.txt   /people/: 40% the first 10 pages, 20% a random deeper page, 15% people at
                    critical risk, 10% charged under art. 289, 15% a search for a real name
  person_page.txt   /people/<slug>/ for 5,000 random published people
  api_list.txt      /api/v1/people/?page=N, N uniform over every page (50 a page)
  api_cursor.txt    /api/v1/people/?cursor=C, keyset pages starting after a random person
  change_feed.txt   /api/v1/changes/?since=CURSOR: 80% a random cursor (a mirror catching up, up to 200
                    changes an answer), 20% the newest cursor (a mirror that is up to date)

A fixed seed makes every run ask for the same URLs in the same order.
"""

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from common import BENCH_DB_URL

SEED = 100_000
LIST_PAGE_SIZE = 50
PERSON_PAGES = 5_000
LIST_URLS = 2_000
FEED_URLS = 2_000


def public_list(rng: random.Random, pages: int, surnames: list[str]) -> list[str]:
    urls = []
    for _ in range(LIST_URLS):
        kind = rng.random()
        if kind < 0.40:
            page = rng.randint(1, 10)
            urls.append("/people/" if page == 1 else f"/people/?page={page}")
        elif kind < 0.60:
            urls.append(f"/people/?page={rng.randint(11, pages)}")
        elif kind < 0.75:
            urls.append(f"/people/?risk_level=critical&page={rng.randint(1, 5)}")
        elif kind < 0.85:
            urls.append(f"/people/?article=289&page={rng.randint(1, 5)}")
        else:
            urls.append("/people/?" + urlencode({"q": rng.choice(surnames)}))
    return urls


def feed_cursor(position: int) -> str:
    """The feed's own opaque cursor for a row position (api.views.ChangeFeedPagination), made with
    the SECRET_KEY the server under test is given: run this after bench/load_test.sh exports it."""
    if position == 0:
        return "0"
    _django()
    from api.views import ChangeFeedPagination

    return ChangeFeedPagination.cursor_for(position)


def _django() -> None:
    if "django.apps" not in sys.modules or not sys.modules["django.apps"].apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
        import django

        django.setup()


def list_cursors(rng: random.Random, count: int) -> list[str]:
    """The API people list's keyset cursors (api.pagination) after `count` published people at
    random places in its default order: a walker resuming deep in the list."""
    _django()
    from api.pagination import KeysetPagination, order_keys
    from cases.models import Person

    people = Person.objects.published().order_by("-updated_at", "-pk")
    paginator = KeysetPagination()
    paginator.keys = order_keys(people)
    rows = list(people.values_list("pk", "updated_at"))
    return [paginator._cursor_after(Person(pk=pk, updated_at=at)) for pk, at in rng.choices(rows, k=count)]


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as conn:
        slugs = [
            row[0]
            for row in conn.execute(
                "SELECT slug FROM cases_person WHERE publication_state = 'published' ORDER BY id"
            )
        ]
        if len(slugs) < 100_000:
            raise SystemExit(
                f"{len(slugs)} published people: run bench/full_pass.py, then bench/api_people.py"
            )
        # The full primary name, as a reader would type it into the search box.
        names = [
            row[0]
            for row in conn.execute(
                "SELECT text FROM cases_personname WHERE is_primary ORDER BY person_id LIMIT 20000"
            )
        ]
        newest_change = conn.execute("SELECT coalesce(max(id), 0) FROM cases_changerecord").fetchone()[0]
    pages = -(-len(slugs) // LIST_PAGE_SIZE)
    targets = {
        "public_list": public_list(rng, pages, names),
        "person_page": [f"/people/{slug}/" for slug in rng.sample(slugs, PERSON_PAGES)],
        "api_list": [f"/api/v1/people/?page={rng.randint(1, pages)}" for _ in range(LIST_URLS)],
        "api_cursor": [f"/api/v1/people/?cursor={cursor}" for cursor in list_cursors(rng, LIST_URLS)],
        "change_feed": [
            "/api/v1/changes/?since="
            + feed_cursor(rng.randint(0, newest_change) if rng.random() < 0.8 else newest_change)
            for _ in range(FEED_URLS)
        ],
    }
    for name, urls in targets.items():
        (out / f"{name}.txt").write_text("\n".join(urls) + "\n")
        print(f"{name}: {len(urls)} URLs", file=sys.stderr)


if __name__ == "__main__":
    main()
