"""Row counts and checksums of every table, to prove that a restored backup holds what was dumped.

One line per table of the current schema (the project's apps, auth, sessions, history, the
third-party apps, django_migrations: everything `pg_dump` writes), tab-separated:

    cases_person	200	6f1c...

The checksum is computed in SQL, as md5 over the md5 of each row's text form in primary-key
order, so two databases with the same rows give the same lines whatever their physical order,
and a changed, added or removed row changes its table's line. Confidential fields are compared as
the ciphertext they are stored as: no field key is needed, and none is used.

`--snapshot` reads inside a snapshot exported by `pg_export_snapshot()`, the one `pg_dump
--snapshot` dumps, so the manifest describes exactly the dumped data (scripts/backup.sh).
`--compare FILE` compares with such a manifest and exits non-zero on any difference
(scripts/restore.sh). PostgreSQL only.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# The text form of a row depends on these session settings; fixing them makes the lines
# comparable between servers and sessions.
SESSION_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)

TABLES_SQL = """
    SELECT c.relname,
           array(SELECT a.attname
                   FROM pg_index i
                   JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                  WHERE i.indrelid = c.oid AND i.indisprimary
                  ORDER BY k.position)
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace
       AND c.relkind IN ('r', 'p')
     ORDER BY c.relname
"""


def table_checksums(connection, snapshot: str | None = None) -> list[tuple[str, int, str]]:
    """(table, row count, checksum) of every table of the connection's current schema, read in one
    REPEATABLE READ transaction (inside `snapshot` when given). Tables without a primary key are
    ordered by the text of the whole row."""
    if connection.vendor != "postgresql":
        raise CommandError(f"table_checksums needs PostgreSQL; this database is {connection.vendor}")
    quote = connection.ops.quote_name
    results = []
    # Inside a transaction that already ran queries (a test's), its own view of the data is read.
    own_transaction = not connection.in_atomic_block
    if snapshot and not own_transaction:
        raise CommandError("--snapshot needs a transaction of its own, not one already under way")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if own_transaction:
            # Both must come before the transaction's first query.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if snapshot:
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        for statement in SESSION_SETTINGS:
            cursor.execute(statement)
        cursor.execute(TABLES_SQL)
        for table, key_columns in cursor.fetchall():
            order = ", ".join(f"t.{quote(column)}" for column in key_columns) or "t::text"
            # md5 of each row first: the aggregate holds 32 characters a row, not the whole table.
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY {order})), '-') "  # noqa: S608
                f"FROM {quote(table)} t"
            )
            count, checksum = cursor.fetchone()
            results.append((table, count, checksum))
    return results


def format_lines(results) -> list[str]:
    return [f"{table}\t{count}\t{checksum}" for table, count, checksum in results]


def read_manifest(path: str) -> dict[str, tuple[int, str]]:
    """The table lines of a manifest; lines starting with '#' and blank lines are ignored."""
    expected = {}
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    with stream:
        for number, line in enumerate(stream, start=1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            try:
                table, count, checksum = line.split("\t")
                expected[table] = (int(count), checksum)
            except ValueError:
                raise CommandError(
                    f"{path}, line {number}: not 'table<TAB>count<TAB>checksum': {line!r}"
                ) from None
    if not expected:
        raise CommandError(f"{path} lists no tables")
    return expected


def differences(expected: dict[str, tuple[int, str]], results) -> list[str]:
    """Every way the database differs from the manifest, in words; empty when they match."""
    found = {table: (count, checksum) for table, count, checksum in results}
    problems = []
    for table in sorted(expected.keys() | found.keys()):
        if table not in found:
            problems.append(f"{table}: in the manifest, missing from the database")
        elif table not in expected:
            problems.append(f"{table}: in the database, not in the manifest")
        elif expected[table][0] != found[table][0]:
            problems.append(f"{table}: {found[table][0]} rows, the manifest says {expected[table][0]}")
        elif expected[table][1] != found[table][1]:
            problems.append(f"{table}: same row count ({found[table][0]}), different content")
    return problems


class Command(BaseCommand):
    help = (
        "Print the row count and a checksum of every table (PostgreSQL), or compare them with a "
        "backup manifest and exit non-zero on any difference. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)")
        parser.add_argument(
            "--snapshot", help="Read inside this exported snapshot (pg_export_snapshot()), as pg_dump did"
        )
        parser.add_argument(
            "--compare",
            metavar="MANIFEST",
            help="Compare with this manifest ('-' for standard input) instead of printing",
        )

    def handle(self, *args, database, snapshot, compare, **options):
        expected = read_manifest(compare) if compare else None
        results = table_checksums(connections[database], snapshot=snapshot)
        if expected is None:
            for line in format_lines(results):
                self.stdout.write(line)
            return
        problems = differences(expected, results)
        if problems:
            for problem in problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"The database differs from the manifest in {len(problems)} table(s).")
        rows = sum(count for _table, count, _checksum in results)
        self.stdout.write(f"OK: {len(results)} tables, {rows} rows, every count and checksum matches.")
