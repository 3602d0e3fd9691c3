import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.demo.builder import MIN_PEOPLE, DemoDataError, build_demo
from cases.demo.triage import triage_demo_alerts
from cases.models import Case, Jurisdiction, Person
from cases.risk import assessment
from cases.transfer.law_loader import load_law


class Command(BaseCommand):
    help = (
        "Fill an empty registry with deterministic synthetic demo data (invented people only), "
        "assess every case and triage the alerts that raises as staff would have. Loads the law "
        "data first when none is loaded. Refuses when any person exists. Prints its progress."
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
        self.started = time.monotonic()
        self.shown: dict[str, int] = {}
        self.say(f"Loading the demo data: {people} invented people (seed {seed}); progress follows.")
        try:
            # One transaction: all of the demo or none of it. The services' risk assessments are
            # queued as it commits (in this process when no broker is configured).
            with transaction.atomic():
                report = build_demo(seed=seed, people=people, progress=self.progress)
                self.say("  saving; each case is assessed against the risk rules as it commits...")
                committing = time.monotonic()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        # With a broker, the workers may not have run yet: assess here what is still stale, so
        # the alerts to triage exist (the queued tasks then find the cases current).
        assessment.assess_stale_cases()
        self.say(
            f"  assessed the risk of {Case.objects.count()} cases in {time.monotonic() - committing:.1f} s"
        )
        self.say(f"  {triage_demo_alerts().line()} ({self.elapsed()})")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - self.started:.1f} s."))

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def say(self, line: str) -> None:
        """Write a line and flush it: progress must show as it happens, also through a pipe (tee, a log)."""
        self.stdout.write(line)
        self.stdout.flush()

    def progress(self, step: str, done: int, total: int) -> None:
        """Building: about every tenth of the people, and the end. Publishing (quick): its end."""
        tenth = done * 10 // total if step == "built" else 0
        if tenth > self.shown.get(step, 0) or done == total:
            self.shown[step] = tenth
            if step == "built":
                self.say(f"  built {done} of {total} people ({self.elapsed()})")
            else:
                self.say(f"  set the publication state of {total} people ({self.elapsed()})")
