import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.protection.accounts import enrolment_link_path, has_authenticator

audit = logging.getLogger("registry.audit")


class Command(BaseCommand):
    help = (
        "Print a one-time link with which a staff member sets up their authenticator (docs/security.md). "
        "Hand it over apart from the password: whoever has both can enrol a second factor for the account."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not (user.is_active and user.is_staff):
            raise CommandError(f"No active staff account {username!r}.")
        if has_authenticator(user):
            raise CommandError(
                f"{username!r} already has an authenticator or recovery codes. If the phone is lost, delete "
                "the person's devices in the admin (TOTP devices, static devices) first, then run this again."
            )
        link = settings.SITE_URL.rstrip("/") + enrolment_link_path(user)
        audit.info("enrolment link issued: user=%s by=command-line", user.pk)
        hours = settings.ENROLMENT_LINK_HOURS
        self.stdout.write(f"Enrolment link for {username} (works once; expires in {hours} h):")
        self.stdout.write(link)
