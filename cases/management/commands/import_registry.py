from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases import signals
from cases.transfer.exporting import ImportRefused, import_registry_json


class Command(BaseCommand):
    help = (
        "Load a staff JSON export (manage.py export_registry) into this installation, which must "
        "hold no people yet. All or nothing. See docs/export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file written by export_registry --audience staff")
        parser.add_argument("--user", required=True, help="username recorded as the author of the history")

    def handle(self, *args, file, user, **options):
        User = get_user_model()
        try:
            by = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist:
            raise CommandError(f"No user {user!r}: create the account first.") from None
        try:
            with open(file, encoding="utf-8") as stream:
                report = import_registry_json(stream, by=by)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except ImportRefused as error:
            raise CommandError(" ".join(error.messages)) from error
        # Bulk writes send no save signals, so listeners (the public pages' cache) are told here.
        signals.bulk_data_changed.send(sender=type(self))
        for line in report.lines():
            self.stdout.write(line)
