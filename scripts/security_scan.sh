#!/usr/bin/env bash
# A bounded scan of a local registry with two real scanners from Debian's packages:
#   wapiti  (crawls the public pages and the API; xss, sql, exec, file, redirect, csrf, headers...)
#   sqlmap  (the API's and the public list's search and article filters)
# The server runs the production settings (plain http on 127.0.0.1, so no HTTPS redirect) with
# the demo data in a database of its own, never the development or test database.
#
#   apt-get install -y wapiti sqlmap
#   scripts/security_scan.sh                 # SQLite in var/scan/registry.sqlite3
#   SCAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_scan scripts/security_scan.sh
#
# Reports go to var/scan/ (wapiti.json, wapiti.log, sqlmap.log, sqlmap/). The scan sends requests to
# 127.0.0.1 only: wapiti's ssrf, nikto and wapp modules (which use outside services) are not run.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SCAN_PORT:-8765}
OUT=${SCAN_OUT:-var/scan}
MAX_SCAN_SECONDS=${SCAN_MAX_SECONDS:-600}
MAX_ATTACK_SECONDS=${SCAN_MAX_ATTACK_SECONDS:-240}
SQLMAP_SECONDS=${SCAN_SQLMAP_SECONDS:-300}
BASE="http://127.0.0.1:${PORT}"
PY=.venv/bin/python

command -v wapiti >/dev/null || { echo "wapiti is missing: apt-get install -y wapiti" >&2; exit 2; }
mkdir -p "$OUT"

export REGISTRY_ENV=production DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=${SCAN_DATABASE_URL:-sqlite:///$PWD/$OUT/registry.sqlite3}
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend CELERY_BROKER_URL=
# The scanners send thousands of requests from one address: with the API's rate limits they would
# mostly see 429s (docs/api.md, "Rate limits") and test nothing behind them.
export API_THROTTLE_ANON=off API_THROTTLE_KEY=off
SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
FIELD_ENCRYPTION_KEYS=$("$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
export SECRET_KEY FIELD_ENCRYPTION_KEYS

# A fresh database each run: the confidential fields' key is new each run.
case "$DATABASE_URL" in
  postgres*)
    dropdb -h 127.0.0.1 -U postgres --if-exists "${DATABASE_URL##*/}"
    createdb -h 127.0.0.1 -U postgres "${DATABASE_URL##*/}" ;;
  *) rm -f "$OUT/registry.sqlite3" ;;
esac

echo "==> demo data in $DATABASE_URL"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py load_law >/dev/null
"$PY" manage.py load_demo --if-empty --people "${SCAN_PEOPLE:-60}"
"$PY" manage.py collectstatic --noinput -v 0

echo "==> server on $BASE"
if [ -x .venv/bin/gunicorn ]; then
  # As in production (static files by WhiteNoise from STATIC_ROOT); no access log, as there.
  .venv/bin/gunicorn registry.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 \
    >"$OUT/server.log" 2>&1 &
else
  # --insecure serves the static files with DEBUG off, as the proxy would.
  "$PY" manage.py runserver --noreload --insecure "127.0.0.1:${PORT}" >"$OUT/server.log" 2>&1 &
fi
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/" && break; sleep 1; done
curl -fsS -o /dev/null "$BASE/"

PERSON=$(curl -fsS "$BASE/api/v1/people/?page_size=1" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['results'][0]['id'])")

echo "==> wapiti (at most ${MAX_SCAN_SECONDS}s)"
# Exit status 0 even when it finds something: the findings are read from the report below.
# No -x exclusions: Debian's wapiti 3.0.4 fails on them under Python 3.11 ("global flags not at
# the start"); the staff area is not linked from the public pages, so the crawl does not reach it.
wapiti -u "$BASE/" --scope folder --flush-session --no-bugreport -v 1 \
  -m "xss,permanentxss,sql,blindsql,exec,file,redirect,crlf,csrf,http_headers,cookieflags,csp,methods,backup" \
  -s "$BASE/people/?q=Aliaksandr&article=289&region=&status=&risk_level=" \
  -s "$BASE/people/$PERSON/" \
  -s "$BASE/articles/by-289.1/" -s "$BASE/statistics/" -s "$BASE/changes.atom" \
  -s "$BASE/api/v1/people/?q=Aliaksandr&article=289&ordering=-updated&page=1" \
  -s "$BASE/api/v1/people/$PERSON/" \
  -s "$BASE/api/v1/cases/?q=Aliaksandr&article=289&jurisdiction=BY&status=detained" \
  -s "$BASE/api/v1/charges/" -s "$BASE/api/v1/events/" -s "$BASE/api/v1/assessments/" \
  -s "$BASE/api/v1/articles/" -s "$BASE/api/v1/facilities/" -s "$BASE/api/v1/statistics/" \
  -s "$BASE/api/v1/changes/?since=0&limit=10" -s "$BASE/api/docs/" \
  -d 3 --max-links-per-page 25 --max-files-per-dir 40 \
  --max-scan-time "$MAX_SCAN_SECONDS" --max-attack-time "$MAX_ATTACK_SECONDS" \
  -f json -o "$OUT/wapiti.json" | tee "$OUT/wapiti.log"

echo "==> wapiti findings by category"
"$PY" - "$OUT/wapiti.json" <<'EOF'
import json
import sys

report = json.load(open(sys.argv[1]))
levels = {1: "low", 2: "medium", 3: "high", 4: "critical"}
total = 0
for section, kind in (("vulnerabilities", "vulnerability"), ("anomalies", "anomaly"), ("additionals", "note")):
    for category, findings in report.get(section, {}).items():
        for finding in findings:
            total += 1
            level = levels.get(finding.get("level"), finding.get("level"))
            print(f"{kind:>13}  {level:>8}  {category}: {finding.get('method')} {finding.get('path')}"
                  f"  {finding.get('info', '')[:150]}")
print(f"{total} findings")
EOF

if command -v sqlmap >/dev/null; then
  # `*` marks the injection points, after values that return rows (sqlmap needs them to compare).
  for target in "$BASE/api/v1/people/?q=Aliaksandr*&article=289*" "$BASE/api/v1/cases/?q=Aliaksandr*&article=289*" \
    "$BASE/people/?q=Aliaksandr*&article=289*"; do
    echo "==> sqlmap $target (at most ${SQLMAP_SECONDS}s)"
    TERM=dumb timeout "$SQLMAP_SECONDS" sqlmap -u "$target" --batch --level 2 --risk 1 --flush-session \
      --disable-coloring --output-dir "$OUT/sqlmap" 2>&1 | tee -a "$OUT/sqlmap.log" \
      | grep -E "injectable|not injectable|all tested|heuristic|WARNING|CRITICAL|might be" || true
  done
fi
echo "==> reports in $OUT/"
