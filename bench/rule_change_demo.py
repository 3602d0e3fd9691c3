"""How many levels of the demo data a rule change moves, and why: the note docs/risk.md keeps.

    .venv/bin/python bench/rule_change_demo.py [--people 400]

Loads the demo data into a PostgreSQL database of its own (BENCH_DATABASE_URL, default
registry_rule_change; dropped and refilled on every run), then assesses every case twice on
today's date: with the rules as they are, and with the after-the-verdict rule switched off
(a conviction counted as an active charge, as before RISK_RULES.md's update). It prints each
move of level with its count, and the reasons the moved cases now carry.
"""

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/registry_rule_change")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=None, help="demo size (default: load_demo's)")
    args = parser.parse_args()

    import psycopg
    from common import BENCH_DB_URL, setup_django

    name = BENCH_DB_URL.rsplit("/", 1)[1]
    admin_url = BENCH_DB_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    setup_django()

    from django.core.management import call_command
    from django.utils import timezone

    from cases.models import Case
    from cases.risk import assessment
    from cases.risk import rules as risk

    with open(os.devnull, "w") as quiet:
        call_command("load_demo", *(["--people", str(args.people)] if args.people else []), stdout=quiet)

    on = timezone.localdate()  # the day the running application assesses on
    contexts = {}
    moves, rules_now, cases = Counter(), Counter(), 0
    switched_on = risk.is_conviction_with_other_sentence
    for case in Case.objects.select_related("person", "jurisdiction").order_by("id"):
        context = contexts.get(case.jurisdiction_id) or contexts.setdefault(
            case.jurisdiction_id, assessment.LawContext.load(case.jurisdiction)
        )
        now = assessment.compute(case, context=context, on=on)
        risk.is_conviction_with_other_sentence = lambda charge, case: False
        try:
            before = assessment.compute(case, context=context, on=on)
        finally:
            risk.is_conviction_with_other_sentence = switched_on
        cases += 1
        if before.level != now.level:
            moves[(before.level, now.level)] += 1
            rules_now.update({reason.rule for reason in now.reasons if reason.rule in AFTER_VERDICT_RULES})

    print(f"demo data: {cases} cases, assessed on {on}; rules {risk.RULES_VERSION}")
    print(f"levels moved by the after-the-verdict rule: {sum(moves.values())}")
    for (before, now), count in sorted(moves.items()):
        print(f"  {before} -> {now}: {count}")
    print("reasons the moved cases carry now:")
    for rule, count in sorted(rules_now.items()):
        print(f"  {rule}: {count}")


AFTER_VERDICT_RULES = ("conviction_not_final", "verdict_final")

if __name__ == "__main__":
    main()
