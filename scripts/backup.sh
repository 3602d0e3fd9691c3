#!/usr/bin/env bash
# Back up the registry's database, encrypted for the backup key's holders only (docs/backup.md).
#
#   DATABASE_URL=postgres://registry@127.0.0.1:5432/registry \
#   BACKUP_AGE_RECIPIENT=age1... BACKUP_DIR=/var/backups/registry scripts/backup.sh
#
# Writes, in BACKUP_DIR (files 0600):
#   registry-YYYYmmdd-HHMMSS.dump.age      pg_dump --format=custom, encrypted with age
#   registry-YYYYmmdd-HHMMSS.manifest.age  row count and checksum of every table, same snapshot, encrypted
#   registry-YYYYmmdd-HHMMSS.sha256        sha256sum of both encrypted files (checkable without the key)
# then deletes backups older than BACKUP_KEEP_DAYS (default 30), only after a backup succeeded.
#
# The dump goes from pg_dump straight into age: nothing unencrypted is written to disk. age
# encrypts to public keys (BACKUP_AGE_RECIPIENT, one or more, separated by spaces or commas);
# the private key is kept offline, so this host can write backups but cannot read them.
# The checksums run in the manage.py environment of the registry (settings from the environment,
# as for the application itself).
set -euo pipefail
umask 077

here="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$here/.venv/bin/python}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/registry}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-30}"

fail() { printf 'backup: FAILED: %s\n' "$*" >&2; exit 1; }

[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set"
[[ "$DATABASE_URL" == postgres://* || "$DATABASE_URL" == postgresql://* ]] ||
  fail "DATABASE_URL is not a postgres:// address (SQLite is not backed up by this script)"
[[ -n "${BACKUP_AGE_RECIPIENT:-}" ]] || fail "BACKUP_AGE_RECIPIENT (age public key) is not set"
[[ "$BACKUP_KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] ||
  fail "BACKUP_KEEP_DAYS must be a whole number of days, at least 1"
command -v age >/dev/null || fail "age is not installed (apt-get install age)"
command -v pg_dump >/dev/null || fail "pg_dump is not installed (apt-get install postgresql-client)"

recipients=()
for recipient in ${BACKUP_AGE_RECIPIENT//,/ }; do
  [[ "$recipient" == age1* ]] ||
    fail "BACKUP_AGE_RECIPIENT holds '$recipient', not an age public key (age1...)"
  recipients+=(--recipient "$recipient")
done

# libpq reads the connection from PG* variables: a password in pg_dump's command line would be
# visible to every user of the host (ps), the environment is not.
eval "$(DATABASE_URL="$DATABASE_URL" "$PYTHON" - <<'EOF'
import os, shlex
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
parts = {"PGHOST": url.hostname, "PGPORT": url.port, "PGUSER": url.username,
         "PGPASSWORD": url.password, "PGDATABASE": url.path.lstrip("/"),
         "PGSSLMODE": parse_qs(url.query).get("sslmode", [None])[0]}
for name, value in parts.items():
    if value:
        print(f"export {name}={shlex.quote(unquote(str(value)))}")
EOF
)"
[[ -n "${PGDATABASE:-}" ]] || fail "DATABASE_URL names no database"

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%d-%H%M%S)"
name="registry-$stamp"
[[ ! -e "$BACKUP_DIR/$name.dump.age" ]] || fail "$BACKUP_DIR/$name.dump.age exists already"
partial_dump="$BACKUP_DIR/.$name.dump.age.partial"
partial_manifest="$BACKUP_DIR/.$name.manifest.age.partial"
cleanup() { rm -f "$partial_dump" "$partial_manifest"; }
trap cleanup EXIT

# One snapshot for the dump and the checksums: this session exports it and stays open (in a
# REPEATABLE READ transaction) until both have read it, so the manifest describes exactly the
# dumped rows even while the registry is being written to.
coproc SNAPSHOT_HOLDER { psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1; }
printf 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT pg_export_snapshot();\n' \
  >&"${SNAPSHOT_HOLDER[1]}"
read -r -t 60 snapshot <&"${SNAPSHOT_HOLDER[0]}" || fail "could not export a snapshot from $PGDATABASE"
[[ "$snapshot" =~ ^[0-9A-F-]+$ ]] || fail "unexpected snapshot id '$snapshot'"

started=$SECONDS
pg_dump --format=custom --snapshot="$snapshot" --no-password |
  age --encrypt "${recipients[@]}" --output "$partial_dump" ||
  fail "pg_dump or age failed; no backup written"

manifest_plain="$(
  printf '# registry backup manifest\n# dump: %s.dump.age\n# database: %s\n# taken: %s\n' \
    "$name" "$PGDATABASE" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '# snapshot: %s (the dump and these lines read the same one)\n' "$snapshot"
  printf '# pg_dump: %s\n' "$(pg_dump --version)"
  printf '# table\trows\tchecksum\n'
  "$PYTHON" "$here/manage.py" table_checksums --snapshot "$snapshot"
)" || fail "the checksums could not be taken"
printf '%s\n' "$manifest_plain" | age --encrypt "${recipients[@]}" --output "$partial_manifest" ||
  fail "could not encrypt the manifest"

printf 'COMMIT;\n\\q\n' >&"${SNAPSHOT_HOLDER[1]}"
wait "$SNAPSHOT_HOLDER_PID" || fail "the snapshot session ended with an error"

mv "$partial_dump" "$BACKUP_DIR/$name.dump.age"
mv "$partial_manifest" "$BACKUP_DIR/$name.manifest.age"
(cd "$BACKUP_DIR" && sha256sum "$name.dump.age" "$name.manifest.age" >"$name.sha256")

tables=$(grep -cv '^#' <<<"$manifest_plain")
rows=$(grep -v '^#' <<<"$manifest_plain" | awk -F'\t' '{ sum += $2 } END { print sum + 0 }')
size=$(du -h "$BACKUP_DIR/$name.dump.age" | cut -f1)
printf 'backup: %s/%s.dump.age (%s), %s tables, %s rows, in %ss\n' \
  "$BACKUP_DIR" "$name" "$size" "$tables" "$rows" "$((SECONDS - started))"

# Retention, only now that a new backup exists: a backup that keeps failing never empties the
# directory. Leftover partial files of an interrupted run go too.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'registry-*' -mtime +"$((BACKUP_KEEP_DAYS - 1))" \
  -print -delete | sed 's/^/backup: deleted (older than '"$BACKUP_KEEP_DAYS"' days) /'
find "$BACKUP_DIR" -maxdepth 1 -type f -name '.registry-*.partial' -mmin +1440 -delete
