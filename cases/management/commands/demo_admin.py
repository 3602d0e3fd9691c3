import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.utils import get_otpauth_url, totp_digits

RECOVERY_CODES = 5


class Command(BaseCommand):
    help = (
        "Create or reset the local 'admin' superuser with a new random password and new recovery codes, "
        "and print the login, with the authenticator URI for its second factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        if settings.REGISTRY_ENV != "development":
            raise CommandError("demo_admin only runs with REGISTRY_ENV=development; use createsuperuser.")
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@localhost"}
            )
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
            # The authenticator secret is kept between runs, so the app entry keeps working.
            totp, _ = TOTPDevice.objects.get_or_create(
                user=user, name="default", defaults={"confirmed": True}
            )
            backup, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
            backup.token_set.all().delete()
            codes = [
                backup.token_set.create(token=StaticToken.random_token()).token for _ in range(RECOVERY_CODES)
            ]
        otpauth = get_otpauth_url(
            accountname=username,
            secret=b32encode(totp.bin_key).decode(),
            issuer="Registry (local demo)",
            digits=totp_digits(),
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Staff login for this local registry (a new password each run):")
        )
        self.stdout.write(f"  URL:      {url}")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("  second factor, either of:")
        self.stdout.write(f"    - a code from an authenticator app given this URI: {otpauth}")
        self.stdout.write(f'    - a one-time recovery code ("Use a recovery code"): {" ".join(codes)}')
        self.stdout.write(
            self.style.WARNING(
                "  For the local demo only: the password, the authenticator secret and the codes are "
                "printed here, so this account must never hold real data."
            )
        )
        self.stdout.write("")
