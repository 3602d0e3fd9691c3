"""Import people, cases and charges from a CSV or XLSX file (rules: docs/import.md)."""

import datetime
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.models import ImportProfile, Jurisdiction, Source
from cases.transfer.importing import MAPPINGS, UnreadableFile, get_mapping, run_import
from cases.transfer.importing.mappings import ProfileError


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--reclassified-on wants a date as YYYY-MM-DD, not {text!r}.") from None


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CommandError(f"--source wants a source's public id (a UUID), not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Import people, cases and charges from a spreadsheet. Prints every problem as "
        "'row N, column X: reason'; exits with 1 when the import is refused, 2 when the file "
        "cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--mapping",
            "--profile",
            dest="mapping",
            required=True,
            help=f"the import profile's code (shipped: {', '.join(sorted(MAPPINGS))}, or one saved in "
            "the admin)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument("--jurisdiction", default="BY", help="whose criminal code the charges are under")
        parser.add_argument("--user", help="the staff username recorded as the author of every change")
        parser.add_argument(
            "--reclassified-on",
            type=_date,
            help="the date of the reclassifications a changed article records (default: today)",
        )
        parser.add_argument(
            "--source",
            help="the public id (UUID) of the source whose word the list's facts are (default: the "
            "profile's own list source, created on its first import)",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="import the rows without problems even when others have some (default: all or nothing)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = None
        if options["user"]:
            try:
                by = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {options['user']!r}.") from None
        if not Jurisdiction.objects.filter(code=options["jurisdiction"]).exists():
            raise CommandError(f"Unknown jurisdiction {options['jurisdiction']!r}: run load_law first?")
        try:
            mapping = get_mapping(options["mapping"])
        except (ValueError, ProfileError) as error:
            raise CommandError(str(error)) from None
        source = None
        if options["source"]:
            source = Source.objects.filter(public_id=_uuid(options["source"])).first()
            if source is None:
                raise CommandError(f"No source with the public id {options['source']!r}.")
        try:
            report = run_import(
                path.read_bytes(),
                file_name=path.name,
                mapping=mapping,
                profile=ImportProfile.objects.filter(code=options["mapping"]).first(),
                by=by,
                jurisdiction=options["jurisdiction"],
                dry_run=options["dry_run"],
                all_or_nothing=not options["partial"],
                reclassified_on=options["reclassified_on"],
                source=source,
            )
        except UnreadableFile as error:
            self.stderr.write(f"{path.name}: {error}")
            raise SystemExit(2) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.refused:
            raise SystemExit(1)
