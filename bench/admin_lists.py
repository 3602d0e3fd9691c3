"""Benchmark: the staff admin's lists at 100,000 people (issue 21: each within 200 ms).

    .venv/bin/python bench/admin_lists.py [--rounds 15]
        (after bench/full_pass.py and bench/api_people.py have filled the database)

Each list is fetched through Django's test client in-process as a logged-in staff member (a
session that passed the second factor, as after the real login), warmed twice, then timed
`--rounds` times: the median is reported with the SQL of one request replayed with plain
psycopg (the raw-SQL floor, same run) and the number of queries. The lists: people (plain, a
search by a Latin name, by a Cyrillic surname, by a slug fragment, filtered by article, by
publication state, by status), cases (plain, by risk level, a search), charges (plain, by state,
a search), alerts (plain, open ones).
"""

import argparse

from common import BENCH_DB_URL, setup_django, time_page

TARGET_MS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", help="run only the lists whose label contains this")
    args = parser.parse_args()
    setup_django()
    import psycopg
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import Article, Person, PersonName
    from cases.protection.permissions import VIEWER, sync_groups

    people = Person.objects.count()
    if people < 100_000:
        raise SystemExit("run bench/full_pass.py, then bench/api_people.py: they fill the database")
    sync_groups()
    user, _ = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    user.groups.add(*Group.objects.filter(name=VIEWER))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    latin = PersonName.objects.filter(script="latin").order_by("pk").values_list("text", flat=True)[5000]
    cyrillic_surname = (
        PersonName.objects.filter(script="be_cyrl")
        .order_by("pk")
        .values_list("text", flat=True)[7000]
        .split()[-1]
    )
    slug = Person.objects.order_by("pk").values_list("slug", flat=True)[9000][:12]
    article = Article.objects.get(jurisdiction__code="BY", number="342", part="1").pk
    lists = [
        ("people", "/admin/cases/person/", {}),
        (f"people, search {latin!r}", "/admin/cases/person/", {"q": latin}),
        (f"people, search {cyrillic_surname!r}", "/admin/cases/person/", {"q": cyrillic_surname}),
        (f"people, search slug {slug!r}", "/admin/cases/person/", {"q": slug}),
        ("people, article 342.1", "/admin/cases/person/", {"article": article}),
        ("people, publication state", "/admin/cases/person/", {"publication_state__exact": "published"}),
        ("people, case status", "/admin/cases/person/", {"cases__status__exact": "convicted"}),
        ("cases", "/admin/cases/case/", {}),
        ("cases, risk level critical", "/admin/cases/case/", {"risk_level__exact": "critical"}),
        (f"cases, search {latin!r}", "/admin/cases/case/", {"q": latin}),
        ("charges", "/admin/cases/charge/", {}),
        ("charges, state active", "/admin/cases/charge/", {"state__exact": "active"}),
        (f"charges, search {cyrillic_surname!r}", "/admin/cases/charge/", {"q": cyrillic_surname}),
        ("alerts", "/admin/cases/riskalert/", {}),
        ("alerts, open", "/admin/cases/riskalert/", {"state__exact": "open"}),
    ]
    rows = []
    with psycopg.connect(BENCH_DB_URL.replace("postgres://", "postgresql://")) as raw:
        for label, url, params in lists:
            if args.only and args.only not in label:
                continue
            median, floor, queries = time_page(
                client, raw, url, params, rounds=args.rounds, floor_rounds=max(3, args.rounds // 3)
            )
            rows.append((label, median, floor, queries))
            print(
                f"{label:<45} median {median:7.1f} ms  SQL {floor:7.1f} ms  "
                f"({queries} queries)  {'ok' if median <= TARGET_MS else 'OVER'}",
                flush=True,
            )
    worst = max(rows, key=lambda row: row[1])
    print(
        f"\nRESULT people={people} lists={len(rows)} over_{TARGET_MS}ms="
        f"{sum(1 for row in rows if row[1] > TARGET_MS)} worst={worst[1]:.0f}ms ({worst[0]})"
    )


if __name__ == "__main__":
    main()
