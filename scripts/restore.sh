#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into a NEW database and prove it is complete (docs/backup.md).
#
#   DATABASE_URL=postgres://registry@127.0.0.1:5432/registry \
#   scripts/restore.sh --identity backup-key.txt [--force] \
#       /var/backups/registry/registry-20250101-021500.dump.age registry_restored
#
# 1. checks the sha256 of the encrypted files (registry-*.sha256 next to the dump);
# 2. creates the database (refuses one that exists; --force drops it first) on the server of
#    DATABASE_URL, as its user, who will own every restored object;
# 3. decrypts with the age identity (the offline private key; a passphrase-protected identity
#    asks for its passphrase once) straight into pg_restore: nothing decrypted touches the disk;
# 4. runs `manage.py migrate --check` and `manage.py table_checksums --compare` with the
#    manifest against the new database: every table's rows and checksum must match.
# Exit status 0 only when all of it passed.
#
# The public reader role's grants and row policies are not restored (they name a role that a new
# server may not have): run `manage.py create_public_reader_role` on the restored database if
# DATABASE_PUBLIC_URL is used. Until then that role reads nothing (fail closed).
set -euo pipefail
umask 077

here="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$here/.venv/bin/python}"

usage() {
  echo "usage: $0 --identity AGE_KEY_FILE [--force] BACKUP.dump.age NEW_DATABASE" >&2
  exit 2
}
fail() { printf 'restore: FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'restore: %s\n' "$*"; }

identity_file="" force=0 positional=()
while (($#)); do
  case "$1" in
    --identity) identity_file="${2:-}"; shift 2 || usage ;;
    --force) force=1; shift ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) positional+=("$1"); shift ;;
  esac
done
if ((${#positional[@]} != 2)) || [[ -z "$identity_file" ]]; then usage; fi
backup="${positional[0]}" target="${positional[1]}"

[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set (the server and user to restore as)"
[[ "$target" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
  fail "'$target' is not a plain database name (lower-case letters, digits, underscores)"
[[ "$backup" == *.dump.age ]] || fail "$backup is not a registry-*.dump.age file"
base="${backup%.dump.age}"
manifest="$base.manifest.age"
checksums="$base.sha256"
for file in "$backup" "$manifest" "$checksums" "$identity_file"; do
  [[ -r "$file" ]] || fail "cannot read $file"
done
command -v age >/dev/null || fail "age is not installed (apt-get install age)"

say "checking the sha256 of the encrypted files"
(cd "$(dirname "$backup")" && sha256sum --check --quiet --strict "$(basename "$checksums")") ||
  fail "the backup files do not match $checksums: corrupted or altered, not restoring"

# The identity, decrypted once if it is passphrase-protected, stays in memory and reaches age
# through a pipe each time.
first_line="$(head -n 1 "$identity_file")"
if [[ "$first_line" == age-encryption.org/* || "$first_line" == "-----BEGIN AGE ENCRYPTED FILE-----" ]]; then
  identity="$(age --decrypt "$identity_file")" || fail "could not open the identity $identity_file"
else
  identity="$(<"$identity_file")"
fi
decrypt() { age --decrypt --identity <(printf '%s\n' "$identity") "$1"; }

manifest_plain="$(decrypt "$manifest")" || fail "the identity does not decrypt $manifest"
grep -q '^# registry backup manifest' <<<"$manifest_plain" || fail "$manifest is not a registry manifest"

# The server's connection from PG* variables (the password stays off the command line), and the
# URL of the new database for manage.py.
target_url=""
eval "$(DATABASE_URL="$DATABASE_URL" TARGET="$target" "$PYTHON" - <<'EOF'
import os, shlex
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
parts = {"PGHOST": url.hostname, "PGPORT": url.port, "PGUSER": url.username,
         "PGPASSWORD": url.password, "PGSSLMODE": parse_qs(url.query).get("sslmode", [None])[0]}
for name, value in parts.items():
    if value:
        print(f"export {name}={shlex.quote(unquote(str(value)))}")
print(f"target_url={shlex.quote(url._replace(path='/' + os.environ['TARGET']).geturl())}")
EOF
)"
export PGDATABASE=postgres  # the maintenance database, to create and drop

exists="$(psql --no-psqlrc --tuples-only --no-align --set ON_ERROR_STOP=1 --set name="$target" \
  <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")" ||
  fail "cannot reach the PostgreSQL server of DATABASE_URL"
if [[ "$exists" == 1 ]]; then
  ((force)) || fail "database $target exists; restore into a new one, or add --force to drop it first"
  say "dropping the existing database $target (--force)"
  dropdb --no-password "$target"
fi
createdb --no-password "$target" || fail "could not create $target (does the user have CREATEDB?)"

started=$SECONDS
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
# The table of contents without row policies (they name the public reader role, see above) and
# without the extension's comment (only a superuser may set it). pg_restore --list stops reading
# after the table of contents, so age's broken pipe is expected; a failed decryption leaves
# pg_restore nothing to read, which fails.
{ decrypt "$backup" || true; } | pg_restore --list |
  grep -Ev '^[0-9]+; [0-9]+ [0-9]+ (POLICY|COMMENT - EXTENSION) ' >"$list" ||
  fail "could not decrypt or read $backup"
say "restoring $(basename "$backup") into $target"
decrypt "$backup" |
  pg_restore --dbname="$target" --use-list="$list" --no-owner --no-privileges --exit-on-error --no-password ||
  fail "pg_restore stopped; $target is incomplete (drop it: dropdb $target)"
say "restored in $((SECONDS - started))s"

export DATABASE_URL="$target_url"
say "migrations: the restored schema against this code"
"$PYTHON" "$here/manage.py" migrate --check >/dev/null || {
  "$PYTHON" "$here/manage.py" showmigrations --plan | grep -F '[ ]' >&2 || true
  fail "the backup predates migrations of this code (listed above): run manage.py migrate on $target"
}
say "counts and checksums against the manifest"
printf '%s\n' "$manifest_plain" | grep '^# \(dump\|database\|taken\):' | sed 's/^# /restore:   manifest /'
printf '%s\n' "$manifest_plain" | "$PYTHON" "$here/manage.py" table_checksums --compare - ||
  fail "$target differs from the manifest (above)"
printf '%s\n' "$manifest_plain" |
  awk -F'\t' '$1 ~ /^(cases_person|cases_case|cases_charge|cases_source|auth_user)$/ {
    printf "restore:   %-14s %s rows\n", $1, $2 }'
say "OK: $target holds the backup, verified"
