from django.core.management.base import BaseCommand

from cases.protection import crypto


class Command(BaseCommand):
    help = "Print a new key for FIELD_ENCRYPTION_KEYS (it is not stored anywhere)."

    def handle(self, *args, **options):
        self.stdout.write(crypto.new_key())
