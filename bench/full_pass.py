"""Benchmark: the nightly full re-assessment pass over 100,000 cases in PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench .venv/bin/python bench/full_pass.py

Fills a database of its own (dropped and refilled with --refill) with synthetic cases: about
2.5 charges a case drawn from the real Belarus articles, 15% of cases with a charge that can
give a reason, some reclassifications. Then it times:
  - the floor: fetching the rows the pass needs (every column it reads) with one plain psycopg
    query; and the narrower floor of earlier results, for comparison;
  - a cold pass (nothing assessed yet: every case gets its first assessment);
  - a warm pass (the nightly case: nothing changed, nothing written);
  - a pass after a law-data edit (every case's stored result is outdated).
"""

import argparse
import datetime
import random
import sys
import uuid

from common import Timer, setup_django

PEOPLE = 100_000
WARM_ROUNDS = 5


def fill(n: int) -> None:
    from django.db import connection, transaction

    from cases.models import Article, Case, Charge, Jurisdiction, Person, Reclassification

    rng = random.Random(100_000)
    by = Jurisdiction.objects.get(code="BY")
    articles = {
        f"{a.number}.{a.part}" if a.part else a.number: a.pk for a in Article.objects.filter(jurisdiction=by)
    }
    plain = [
        "342.1",
        "130.1",
        "130.3",
        "361.1",
        "361.3",
        "368",
        "369",
        "367",
        "293.2",
        "363.1",
        "364",
        "370",
        "361-4.1",
        "361-2",
    ]
    relevant = [
        "289.1",
        "289.2",
        "289.3",
        "356.1",
        "356.2",
        "361-1.1",
        "361-1.3",
        "218.2",
        "309.2",
        "357.1",
        "139.2",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_person, cases_case, cases_charge, cases_reclassification, "
            "cases_riskassessment, cases_caseevent, cases_riskalert, cases_release, cases_designation "
            "RESTART IDENTITY CASCADE"
        )
        people = [
            Person(
                public_id=uuid.UUID(int=rng.getrandbits(128)),
                slug=f"bench-{i}",
                sex=rng.choices(["male", "female", "unknown"], [80, 17, 3])[0],
                birth_date=datetime.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                birth_date_precision="day",
                is_official_or_military=rng.choice([False, False, False, None, True]),
            )
            for i in range(n)
        ]
        Person.objects.bulk_create(people, batch_size=5000)
        cases = [
            Case(
                public_id=uuid.UUID(int=rng.getrandbits(128)),
                person=p,
                jurisdiction=by,
                detention_date=datetime.date(rng.randint(2020, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                status="detained",
            )
            for p in people
        ]
        Case.objects.bulk_create(cases, batch_size=5000)
        charges, reclassified = [], []
        for case in cases:
            count = rng.choice([1, 2, 2, 3, 3, 4])
            for _ in range(count):
                pool = relevant if rng.random() < 0.06 else plain
                offence = case.detention_date - datetime.timedelta(days=rng.randint(1, 60))
                charges.append(
                    Charge(
                        case=case,
                        person_id=case.person_id,
                        article_id=articles[rng.choice(pool)],
                        offence_date=offence,
                        charged_on=case.detention_date,
                        stage=rng.choices(["completed", "attempt", "preparation"], [90, 7, 3])[0],
                    )
                )
        Charge.objects.bulk_create(charges, batch_size=5000)
        # About 2% of charges were reclassified: the old charge points to a new active one.
        successors = []
        olds = rng.sample(charges, len(charges) // 50)
        for old in olds:
            successors.append(
                Charge(
                    case_id=old.case_id,
                    person_id=old.person_id,
                    article_id=articles[rng.choice(relevant)],
                    offence_date=old.offence_date,
                    stage="completed",
                    charged_on=old.charged_on + datetime.timedelta(days=30),
                )
            )
        Charge.objects.bulk_create(successors, batch_size=5000)
        for old, new in zip(olds, successors, strict=True):
            old.state, old.ended_on, old.reclassified_into = "reclassified", new.charged_on, new
            reclassified.append(Reclassification(from_charge=old, to_charge=new, date=new.charged_on))
        Charge.objects.bulk_update(olds, ["state", "ended_on", "reclassified_into"], batch_size=5000)
        Reclassification.objects.bulk_create(reclassified, batch_size=5000)
        # Releases (issue 18): about half the people of such a registry have left custody, most with
        # how recorded, some known only to the year.
        from cases.models import CaseEvent, Release

        events, releases = [], []
        for case in cases:
            if rng.random() < 0.5:
                day = min(
                    case.detention_date + datetime.timedelta(days=rng.randint(30, 1500)),
                    datetime.date(2026, 11, 1),
                )
                precision = rng.choices(["day", "month", "year"], [80, 10, 10])[0]
                events.append(CaseEvent(case=case, kind="released", date=day, date_precision=precision))
                if rng.random() < 0.8:
                    releases.append(
                        Release(case=case, how=rng.choice(["pardon", "sentence_served", "exchange"]))
                    )
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        Release.objects.bulk_create(releases, batch_size=5000)
        Case.objects.filter(events__kind="released").update(status="released")
    # Contested facts (issue 17): 1% of the people with a conflicting claim on their sex, 1% of the
    # cases on their verdict date, each beside the accepted value the record holds.
    from cases.models import Claim

    sample = rng.sample(list(Case.objects.values_list("id", "person_id")), max(1, n // 100))
    claims = []
    for case_id, person_id in sample:
        claims += [
            Claim(person_id=person_id, fact="person.sex", value="male", state="accepted"),
            Claim(person_id=person_id, fact="person.sex", value="female", state="conflicting", priority=3),
            Claim(
                person_id=person_id,
                case_id=case_id,
                fact="case.verdict_date",
                value={"date": "2022-06-01", "precision": "month"},
                state="conflicting",
                priority=2,
            ),
        ]
    Claim.objects.bulk_create(claims, batch_size=5000)
    # Designation lists (issue 18, point 5): 2% of the people on the terrorism list, a quarter of
    # them removed since.
    from cases.models import Designation, DesignationList

    terror_list = DesignationList.objects.get(code="by-terrorist-activity")
    designations = []
    for person_id in rng.sample(list(Person.objects.values_list("id", flat=True)), max(1, n // 50)):
        listed = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 1800))
        removed = listed + datetime.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.25 else None
        designations.append(
            Designation(
                person_id=person_id, designation_list=terror_list, listed_on=listed, removed_on=removed
            )
        )
    Designation.objects.bulk_create(designations, batch_size=5000)
    print(
        f"filled: {Case.objects.count()} cases, {Charge.objects.count()} charges, "
        f"{Reclassification.objects.count()} reclassifications, {Claim.objects.count()} claims "
        f"({Claim.objects.filter(state='conflicting').count()} conflicting)",
        flush=True,
    )


FLOOR_SQL = """
SELECT c.id, c.risk_generation, c.risk_level, c.risk_digest, c.risk_stale, c.sentence_kind, c.verdict_date,
       c.verdict_date_precision, c.verdict_final_on, c.verdict_final_on_precision,
       c.detention_date, c.detention_date_precision,
       p.sex, p.birth_date, p.birth_date_precision, p.is_official_or_military,
       ch.id, ch.article_id, ch.stage, ch.state, ch.offence_date, ch.offence_date_precision,
       ch.charged_on, ch.charged_on_precision, r.date, fc.article_id
FROM cases_case c
JOIN cases_person p ON p.id = c.person_id
LEFT JOIN cases_charge ch ON ch.case_id = c.id AND ch.state IN ('active', 'convicted')
LEFT JOIN cases_reclassification r ON r.to_charge_id = ch.id
LEFT JOIN cases_charge fc ON fc.id = r.from_charge_id
"""
# The floor of session 8 and before, which left out seven columns the pass reads (the dates'
# precisions, the detention date, the day each charge was brought): printed beside the floor so
# that the ratio can be compared with earlier results.
NARROW_FLOOR_SQL = """
SELECT c.id, c.risk_generation, c.risk_level, c.risk_digest, c.risk_stale, c.sentence_kind, c.verdict_date,
       p.sex, p.birth_date, p.birth_date_precision, p.is_official_or_military,
       ch.id, ch.article_id, ch.stage, ch.state, ch.offence_date, r.date, fc.article_id
FROM cases_case c
JOIN cases_person p ON p.id = c.person_id
LEFT JOIN cases_charge ch ON ch.case_id = c.id AND ch.state IN ('active', 'convicted')
LEFT JOIN cases_reclassification r ON r.to_charge_id = ch.id
LEFT JOIN cases_charge fc ON fc.id = r.from_charge_id
"""
# The contested facts the pass weighs (issue 17), fetched as plainly.
FLOOR_CLAIMS_SQL = "SELECT person_id, case_id, fact, value FROM cases_claim WHERE state = 'conflicting'"
# The designations on lists that give a watch reason (issue 18, point 5).
FLOOR_DESIGNATIONS_SQL = """
SELECT d.person_id, l.name_en, l.name, l.kind, d.listed_on, d.listed_on_precision, d.listed_on_given,
       d.listed_after, d.removed_on
FROM cases_designation d JOIN cases_designationlist l ON l.id = d.designation_list_id
WHERE l.gives_watch_reason
"""
# When and how people left custody, and death sentences ended (issue 18): the entries that say so.
FLOOR_CUSTODY_SQL = """
SELECT e.case_id, e.kind, e.date, e.date_precision, rl.how
FROM cases_caseevent e LEFT JOIN cases_release rl ON rl.case_id = e.case_id
WHERE e.kind IN ('released', 'pardoned', 'deported', 'died', 'commuted', 'clemency_granted')
"""


def floor_fetch(
    sql: str = FLOOR_SQL, label: str = "floor: one plain psycopg query fetching the rows"
) -> float:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as conn:
        with Timer(label) as t:
            rows = conn.execute(sql).fetchall()
            claims = conn.execute(FLOOR_CLAIMS_SQL).fetchall()
            left = conn.execute(FLOOR_CUSTODY_SQL).fetchall()
            listed = conn.execute(FLOOR_DESIGNATIONS_SQL).fetchall()
        print(
            f"  ({len(rows)} rows, {len(claims)} conflicting claims, {len(left)} releases and deaths, "
            f"{len(listed)} designations)"
        )
    return t.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--refill", action="store_true", help="drop the benchmark data and fill it again")
    parser.add_argument("--profile", action="store_true", help="profile one more warm pass (cProfile)")
    args = parser.parse_args()
    setup_django()
    from cases.models import Article, Case, RiskAssessment
    from cases.risk import assessment

    if args.refill or Case.objects.count() != args.people:
        with Timer("fill"):
            fill(args.people)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    floors = [floor_fetch() for _ in range(2)]
    narrow = min(
        floor_fetch(NARROW_FLOOR_SQL, "narrow floor (before session 9: 7 columns fewer)") for _ in range(3)
    )
    on = datetime.date(2026, 11, 24)
    with Timer("cold pass (first assessment of every case)") as cold:
        report = assessment.assess_all_cases(on=on)
    print(f"  assessed {report.assessed}, written {report.changed}, level changes {len(report.changes)}")
    # The warm pass and its floor in turns, so that the machine's drift (seen: the floor from
    # 0.82 s to 0.96 s within minutes) weighs on both alike; the best of each is compared.
    warm_times = []
    for _ in range(WARM_ROUNDS):
        floors.append(floor_fetch())
        with Timer("warm pass (nothing changed)") as warm:
            report = assessment.assess_all_cases(on=on)
        warm_times.append(warm.seconds)
        print(f"  assessed {report.assessed}, written {report.changed}")
    floor = min(floors)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(assessment.assess_all_cases, on=on)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    levels = dict(
        Case.objects.values_list("risk_level").annotate(n=__import__("django").db.models.Count("id"))
    )
    print(f"  levels: {levels}")
    # A law-data edit that changes the checksum: every stored result is outdated and rewritten.
    part = Article.objects.get(jurisdiction__code="BY", number="364", part="")
    part.title_en = part.title_en.split(" [")[0] + f" [benchmark edit {uuid.uuid4().hex[:6]}]"
    part.save()
    with Timer("pass after a law-data edit (every case rewritten)") as after_edit:
        report = assessment.assess_all_cases(on=on)
    print(f"  assessed {report.assessed}, written {report.changed}, level changes {len(report.changes)}")
    warm = min(warm_times)
    print(
        f"\nRESULT people={args.people} floor={floor:.3f}s warm={warm:.3f}s ratio={warm / floor:.2f}x "
        f"narrow_floor={narrow:.3f}s ratio_to_narrow={warm / narrow:.2f}x "
        f"cold={cold.seconds:.1f}s after_law_edit={after_edit.seconds:.1f}s "
        f"assessments_stored={RiskAssessment.objects.count()}"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
