#!/usr/bin/env bash
# The backup and restore drill (docs/backup.md), run by .ci/run: back up a registry of synthetic
# data with scripts/backup.sh, restore it with scripts/restore.sh into a new database, and prove
#   - every table's row count and checksum match the manifest and the source database;
#   - a confidential field is ciphertext in the decrypted dump and in the restored table, and
#     reads back through Django with the field key, and not with another key;
#   - a corrupted backup is refused before anything is restored, and a changed row is caught;
#   - retention deletes old backups and keeps recent ones.
# Keys (age, field, SECRET_KEY) are throwaway, made for this run. The databases registry_drill,
# registry_drill_restored and registry_drill_tampered are dropped before and after.
#
#   DRILL_SERVER_URL=postgres://postgres@127.0.0.1:5432 scripts/backup_drill.sh
set -euo pipefail
umask 077

here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-$here/.venv/bin/python}"
server="${DRILL_SERVER_URL:-postgres://postgres@127.0.0.1:5432}"
source_db=registry_drill
restored_db=registry_drill_restored
tampered_db=registry_drill_tampered
people="${DRILL_PEOPLE:-40}"

current="starting"
step() {
  current="$*"
  printf '\ndrill [%3ss] %s\n' "$SECONDS" "$*"
}
check() { printf 'drill:   ok   %s\n' "$*"; }
fail() {
  printf '\n!!!!! BACKUP DRILL FAILED at "%s": %s\n' "$current" "$*" >&2
  exit 1
}
trap 'printf "\n!!!!! BACKUP DRILL FAILED at \"%s\" (line %s, exit %s)\n" "$current" "$LINENO" "$?" >&2' ERR

work="$(mktemp -d)"
drop_databases() {
  for db in "$source_db" "$restored_db" "$tampered_db"; do
    sql "$server/postgres" "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
}
cleanup() {
  drop_databases || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v age >/dev/null || fail "age is not installed (apt-get install age)"
sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -A -t -v ON_ERROR_STOP=1 "$1" -c "$2"; }
manage() { "$PYTHON" manage.py "$@"; }

# Production settings with throwaway secrets: what a real host runs, minus the real keys.
export REGISTRY_ENV=production DEBUG=0 ALLOWED_HOSTS=drill.invalid
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend CELERY_BROKER_URL=
unset DATABASE_PUBLIC_URL
SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
field_key="$("$PYTHON" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
other_key="$("$PYTHON" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export SECRET_KEY FIELD_ENCRYPTION_KEYS="$field_key"
source_url="$server/$source_db"
restored_url="$server/$restored_db"

step "a registry of synthetic data in $source_db"
drop_databases
sql "$server/postgres" "CREATE DATABASE $source_db" >/dev/null
DATABASE_URL="$source_url" manage migrate --noinput -v0
DATABASE_URL="$source_url" manage load_demo --people "$people" | tail -n 1
# A canary in each confidential field, to look for in the backup.
canary="DRILL-CANARY-$("$PYTHON" -c 'import secrets; print(secrets.token_hex(8))')"
read -r person_id source_id < <(DATABASE_URL="$source_url" CANARY="$canary" manage shell -v 0 -c '
import os
from cases.models import Person, Source
person = Person.objects.order_by("pk").first()
source = Source.objects.filter(confidential=True).order_by("pk").first()
Person.objects.filter(pk=person.pk).update(internal_notes=os.environ["CANARY"], contacts=os.environ["CANARY"])
Source.objects.filter(pk=source.pk).update(contact=os.environ["CANARY"])
print(person.pk, source.pk)
')
[[ -n "$person_id" && -n "$source_id" ]] || fail "could not plant the canaries"
check "canary planted in person $person_id (internal_notes, contacts) and source $source_id (contact)"

step "backup with a throwaway age key pair"
age-keygen -o "$work/backup-key.txt" 2>/dev/null
recipient="$(age-keygen -y "$work/backup-key.txt")"
mkdir -p "$work/backups"
# Retention: one backup past BACKUP_KEEP_DAYS, one within.
touch -d '40 days ago' "$work/backups/registry-20000101-000000.dump.age"
touch -d '10 days ago' "$work/backups/registry-20000102-000000.dump.age"
DATABASE_URL="$source_url" BACKUP_DIR="$work/backups" BACKUP_KEEP_DAYS=30 BACKUP_AGE_RECIPIENT="$recipient" \
  scripts/backup.sh
backup="$(find "$work/backups" -name 'registry-2*.dump.age' -newer "$work/backup-key.txt")"
[[ -f "$backup" ]] || fail "backup.sh wrote no new registry-*.dump.age"
[[ ! -e "$work/backups/registry-20000101-000000.dump.age" ]] || fail "retention kept a 40-day-old backup"
[[ -e "$work/backups/registry-20000102-000000.dump.age" ]] || fail "retention deleted a 10-day-old backup"
check "retention deleted the 40-day-old backup and kept the 10-day-old one"
[[ "$(head -c 21 "$backup")" == "age-encryption.org/v1" ]] || fail "the backup is not an age file"
if grep -rqF "$canary" "$work/backups"; then fail "the canary is readable in the backup directory"; fi
check "the backup directory holds only age files: no canary, no plain dump"
if age --decrypt --identity <(age-keygen 2>/dev/null) "$backup" >/dev/null 2>&1; then
  fail "another age key decrypts the backup"
fi
check "another age key does not decrypt it"
# grep without -q reads to the end: an early exit would break the pipe and hide a match.
if age --decrypt --identity "$work/backup-key.txt" "$backup" | pg_restore --file=- |
  grep -F "$canary" >/dev/null; then
  fail "the canary is in the decrypted dump: a confidential field was dumped in clear"
fi
check "decrypted with the backup key, the dump holds the confidential fields as ciphertext only"

step "restore into $restored_db (scripts/restore.sh)"
DATABASE_URL="$source_url" scripts/restore.sh --identity "$work/backup-key.txt" "$backup" "$restored_db"
if DATABASE_URL="$source_url" scripts/restore.sh --identity "$work/backup-key.txt" "$backup" "$restored_db" \
  >/dev/null 2>&1; then
  fail "restore.sh overwrote an existing database without --force"
fi
check "a second restore into the existing database is refused without --force"

step "the restored database against the source"
DATABASE_URL="$source_url" manage table_checksums >"$work/source.tsv"
DATABASE_URL="$restored_url" manage table_checksums >"$work/restored.tsv"
diff -u "$work/source.tsv" "$work/restored.tsv" || fail "the restored database differs from the source"
check "$(wc -l <"$work/source.tsv") tables, the same counts and checksums in source and restored database"
for table in cases_person cases_case cases_charge cases_source cases_historicalperson; do
  [[ "$(grep -P "^$table\t" "$work/source.tsv" | cut -f2)" -gt 0 ]] ||
    fail "$table is empty in the source: the drill proves nothing about it"
done
check "people, cases, charges, sources and history are not empty"

step "confidential fields after the restore"
raw="$(sql "$restored_url" \
  "SELECT internal_notes || ' ' || contacts FROM cases_person WHERE id = $person_id")"
raw_source="$(sql "$restored_url" "SELECT contact FROM cases_source WHERE id = $source_id")"
[[ "$raw" == fernet:*" fernet:"* && "$raw_source" == fernet:* ]] ||
  fail "the restored raw columns are not ciphertext"
[[ "$raw$raw_source" != *"$canary"* ]] || fail "the canary is readable in the restored raw table"
check "raw columns of the restored tables are ciphertext (fernet:...)"
read_back='
import os
from cases.models import Person, Source
person, source = Person.objects.get(pk=os.environ["P"]), Source.objects.get(pk=os.environ["S"])
assert person.internal_notes == person.contacts == source.contact == os.environ["CANARY"], "not the canary"
print("read back")
'
answer="$(DATABASE_URL="$restored_url" P="$person_id" S="$source_id" CANARY="$canary" \
  manage shell -v 0 -c "$read_back")"
[[ "$answer" == "read back" ]] || fail "Django with the field key does not read the canary back"
check "Django with the field key reads the canary back from the restored database"
if DATABASE_URL="$restored_url" FIELD_ENCRYPTION_KEYS="$other_key" P="$person_id" S="$source_id" \
  CANARY="$canary" manage shell -v 0 -c "$read_back" >/dev/null 2>"$work/other-key.log"; then
  fail "another field key reads the confidential fields"
fi
grep -q "UnreadableValue" "$work/other-key.log" ||
  fail "with another field key the read failed, but not as unreadable: $(tail -n 3 "$work/other-key.log")"
check "with another field key they do not decrypt (the backup alone does not reveal them)"

step "what the checks catch"
cp "$backup" "${backup%.dump.age}.manifest.age" "${backup%.dump.age}.sha256" "$work/"
tampered="$work/$(basename "$backup")"
printf 'x' >>"$tampered"
if DATABASE_URL="$source_url" \
  scripts/restore.sh --identity "$work/backup-key.txt" "$tampered" "$tampered_db" >"$work/tampered.log" 2>&1; then
  fail "restore.sh restored a corrupted backup"
fi
grep -q "do not match" "$work/tampered.log" ||
  fail "restore.sh failed for another reason: $(cat "$work/tampered.log")"
[[ -z "$(sql "$server/postgres" "SELECT 1 FROM pg_database WHERE datname = '$tampered_db'")" ]] ||
  fail "restore.sh created a database for a corrupted backup"
check "a corrupted backup is refused before any database is created"
sql "$restored_url" "UPDATE cases_person SET updated_at = updated_at + interval '1 second'
  WHERE id = $person_id" >/dev/null
age --decrypt --identity "$work/backup-key.txt" "${backup%.dump.age}.manifest.age" >"$work/manifest.tsv"
if DATABASE_URL="$restored_url" \
  manage table_checksums --compare "$work/manifest.tsv" 2>"$work/compare.log"; then
  fail "a changed row went unnoticed by table_checksums --compare"
fi
grep -q "MISMATCH cases_person: same row count" "$work/compare.log" ||
  fail "table_checksums --compare did not name the changed table: $(cat "$work/compare.log")"
check "one changed row is caught and its table named"

trap - ERR
printf '\ndrill: PASSED in %ss: backup, restore, counts and checksums, ciphertext, refusals, retention\n' \
  "$SECONDS"
