from django.core.management.base import BaseCommand, CommandError

from cases.transfer.importing.mappings import install_shipped_profiles
from cases.transfer.law_loader import LawDataError, available_codes, load_law


class Command(BaseCommand):
    help = "Load or reload the shipped law data (cases/data/) and print what changed. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "codes", nargs="*", help=f"jurisdictions to load (default: all of {available_codes()})"
        )

    def handle(self, *args, codes, **options):
        unknown = set(codes) - set(available_codes())
        if unknown:
            raise CommandError(f"No law data for {', '.join(sorted(unknown))}; have {available_codes()}")
        try:
            report = load_law(codes or None)
        except LawDataError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        for code in install_shipped_profiles():
            self.stdout.write(f"import profile {code}: added from the shipped profiles")
