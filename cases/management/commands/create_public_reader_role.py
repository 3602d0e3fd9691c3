import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from cases.protection.public_role import create_public_reader_role, public_role_sql


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL role the public pages and the anonymous API read through: "
        "SELECT on public columns only, published rows only (row level security), no writes. "
        "Run it as the tables' owner after every migration; see docs/security.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default="registry_public", help="Role name (default registry_public)")
        parser.add_argument(
            "--password",
            help="Make it a LOGIN role with this password (prefer --password-env: the command line "
            "is visible to other users of the host). Without a password the role is NOLOGIN.",
        )
        parser.add_argument(
            "--password-env", metavar="VARIABLE", help="Read the password from this environment variable"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias of the owner")
        parser.add_argument("--print-sql", action="store_true", help="Print the statements, run nothing")

    def handle(self, *args, role, password, password_env, database, print_sql, **options):
        if password_env:
            if password:
                raise CommandError("Give --password or --password-env, not both")
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is not set or empty")
        try:
            statements = public_role_sql(role, login=password is not None)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if print_sql:
            for statement in statements:
                self.stdout.write(statement + ";")
            if password is not None:
                self.stdout.write(f"ALTER ROLE \"{role}\" PASSWORD '...';")
            return
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"The public reader role needs PostgreSQL; database {database!r} is {connection.vendor}"
            )
        with transaction.atomic(using=database):
            create_public_reader_role(connection, role, password=password)
        kind = "LOGIN" if password is not None else "NOLOGIN"
        self.stdout.write(f"Role {role} ({kind}) may now read published rows and public columns only.")
