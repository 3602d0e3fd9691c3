import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.demo.builder import MIN_PEOPLE, DemoDataError, build_demo
from cases.models import Jurisdiction, Person
from cases.transfer.law_loader import load_law


class Command(BaseCommand):
    help = (
        "Fill an empty registry with deterministic synthetic demo data (invented people only). "
        "Loads the law data first when none is loaded. Refuses when any person exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="the same seed gives the same data")
        parser.add_argument(
            "--people", type=int, default=200, help=f"how many people (at least {MIN_PEOPLE})"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="when the registry already holds people, do nothing and exit successfully",
        )

    def handle(self, *args, seed, people, if_empty, **options):
        existing = Person.objects.count()
        if existing:
            if if_empty:
                if options["verbosity"] > 1:
                    self.stdout.write(f"The registry holds {existing} people; no demo data loaded.")
                return
            raise CommandError(
                f"The registry already holds {existing} people; load_demo only fills an empty registry "
                "(use --if-empty to skip quietly)."
            )
        if people < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}.")
        if not Jurisdiction.objects.exists():
            created = load_law().created
            self.stdout.write(f"Loaded the law data: {len(created)} records created.")
        started = time.monotonic()
        try:
            # One transaction: all of the demo or none of it. The services' risk assessments run
            # once it commits.
            with transaction.atomic():
                report = build_demo(seed=seed, people=people)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s."))
