from django.core.management.base import BaseCommand

from cases.models import AuditEntry, Person
from cases.protection.audit import record
from cases.transfer.exporting import AUDIENCES, STAFF, export_registry_csv, export_registry_json


class _Unterminated:
    """The command's stdout without the newline Django adds to every write."""

    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Export the whole registry as JSON or CSV: the staff audience gets everything but secrets, "
        "the public audience the published subset. See docs/export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--audience", choices=AUDIENCES, default=STAFF)
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, format, audience, output, **options):
        export = export_registry_json if format == "json" else export_registry_csv
        if audience == STAFF:
            record(
                actor="command-line",
                action=AuditEntry.Action.EXPORT,
                object_type="registry",
                count=Person.objects.current().count(),
                fields=["internal_notes", "contacts", "confidential sources"],
                via=f"manage.py export_registry --format {format} --output {output or '-'}",
            )
        if output:
            # newline="" so that the CSV writer's own line endings are kept as they are.
            with open(output, "w", encoding="utf-8", newline="") as stream:
                export(stream, audience)
            self.stderr.write(f"Wrote the {audience} {format.upper()} export to {output}")
        else:
            export(_Unterminated(self.stdout), audience)
