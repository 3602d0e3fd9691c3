from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from cases.risk import assessment


class Command(BaseCommand):
    help = "Assess cases against the risk rules now and print every change of level."

    def add_arguments(self, parser):
        parser.add_argument("case_ids", nargs="*", type=int, help="cases to assess")
        parser.add_argument("--all", action="store_true", help="the full pass over every case")
        parser.add_argument("--stale", action="store_true", help="only the cases marked stale")

    def handle(self, *args, case_ids, all, stale, **options):
        if sum(bool(x) for x in (case_ids, all, stale)) != 1:
            raise CommandError("Name case ids, or give --all or --stale (one of them).")
        if stale:
            count = assessment.assess_stale_cases()
            self.stdout.write(f"assessed {count} stale case(s)")
            return
        if case_ids:
            missing = set(case_ids) - set(Case.objects.filter(pk__in=case_ids).values_list("id", flat=True))
            if missing:
                raise CommandError(f"No case with id {', '.join(map(str, sorted(missing)))}")
        before = dict(
            Case.objects.filter(**({"pk__in": case_ids} if case_ids else {})).values_list("id", "risk_level")
        )
        report = assessment.assess_all_cases(case_ids=case_ids or None)
        after = dict(Case.objects.filter(pk__in=before).values_list("id", "risk_level"))
        changed = [(pk, before[pk], after[pk]) for pk in sorted(before) if before[pk] != after[pk]]
        for pk, old, new in changed:
            self.stdout.write(f"case {pk}: {old} → {new}")
        self.stdout.write(
            f"assessed {report.assessed} case(s); {len(changed)} changed level, "
            f"{report.changed} stored a new result"
        )
