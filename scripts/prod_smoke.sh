#!/usr/bin/env bash
# Smoke test of the production setup (docs/deploy.md) on 127.0.0.1: gunicorn with
# deploy/gunicorn.conf.py, a Celery worker and beat, the production settings, PostgreSQL and
# Redis. A staff member logs into the admin (password and TOTP code) and reclassifies a charge to
# a capital article; the new risk level must show on the public page and in the API.
#
#   scripts/prod_smoke.sh        (.ci/run calls it after the test suite)
#
# Uses a database of its own (SMOKE_DB, default registry_smoke: dropped and created afresh) and
# two Redis databases (SMOKE_REDIS_DB and the next one, default 11 and 12: emptied first).
# nginx is not run: the HTTP client sends X-Forwarded-Proto: https as nginx does, so the
# production settings (https redirect, Secure cookies, HSTS) stay exactly as deployed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PORT=${SMOKE_PORT:-8391}
DB=${SMOKE_DB:-registry_smoke}
REDIS_DB=${SMOKE_REDIS_DB:-11}
PG_HOST=${SMOKE_PG_HOST:-127.0.0.1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/registry-smoke.XXXXXX")
STARTED=$SECONDS
PIDS=()

say() { printf '[smoke %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }

show_logs() {
  for log in "$WORK"/*.log; do
    [ -f "$log" ] || continue
    printf '\n----- %s (last 60 lines) -----\n' "$(basename "$log")"
    tail -n 60 "$log"
  done
}

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    say "FAILED (exit $status); the server logs follow"
    show_logs
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# The production settings, with throwaway secrets for this run only.
export REGISTRY_ENV=production DEBUG=0
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
# generate_field_key needs settings that start without a key: it only prints a new one.
FIELD_ENCRYPTION_KEYS=$(REGISTRY_ENV=development "$PY" manage.py generate_field_key)
export SECRET_KEY FIELD_ENCRYPTION_KEYS
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://postgres@${PG_HOST}:5432/${DB}"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/${REDIS_DB}"
export CACHE_URL="redis://127.0.0.1:6379/$((REDIS_DB + 1))"
export STATIC_ROOT="$WORK/static"
export SITE_URL="https://127.0.0.1:${PORT}"
export GUNICORN_BIND="127.0.0.1:${PORT}"
# Alerts go to a group with no members here; no mail server is needed.
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
# A short sweep interval, so the run sees the beat hand work to the worker.
export RISK_SWEEP_SECONDS=5
export DATABASE_PUBLIC_URL=

say "fresh database $DB and Redis databases $REDIS_DB, $((REDIS_DB + 1))"
dropdb -h "$PG_HOST" -U postgres --if-exists "$DB"
createdb -h "$PG_HOST" -U postgres "$DB"
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
redis-cli -h 127.0.0.1 -n "$((REDIS_DB + 1))" flushdb >/dev/null

say "migrate, load_law, collectstatic"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py load_law >"$WORK/load_law.log"
"$PY" manage.py collectstatic --noinput -v 0

say "staff member (Editor, TOTP) and a published person whose charge is not capital"
"$PY" manage.py shell -v 0 -c "
import datetime, json, secrets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases import services
from cases.models import Article, Jurisdiction

password = secrets.token_urlsafe(18)
editor = get_user_model().objects.create_user(
    'smoke-editor', email='smoke-editor@localhost', password=password, is_staff=True
)
editor.groups.add(Group.objects.get(name='Editor'))
device = TOTPDevice.objects.create(user=editor, name='default', confirmed=True)
by = Jurisdiction.objects.get(code='BY')
person = services.create_person(
    names=[
        services.NameSpec('Смоук Праверкін', 'be_cyrl', 'official_be', is_primary=True),
        services.NameSpec('Smouk Praverkin', 'latin', 'passport_latin'),
    ],
    sex='male',
    birth_date=datetime.date(1990, 1, 1),
    birth_date_precision='day',
    is_official_or_military=False,
    by=editor,
)
case = services.create_case(person=person, jurisdiction=by, detention_date=datetime.date(2022, 3, 1), by=editor)
charge = services.add_charge(
    case=case,
    article=Article.objects.get(jurisdiction=by, number='342', part='1'),
    offence_date=datetime.date(2022, 2, 20),
    charged_on=datetime.date(2022, 3, 2),
    by=editor,
)
services.publish_person(person=person, by=editor)
target = Article.objects.get(jurisdiction=by, number='289', part='3')
with open('$WORK/setup.json', 'w') as out:
    json.dump({
        'username': editor.username, 'password': password, 'totp_key': device.key,
        'totp_step': device.step, 'totp_digits': device.digits,
        'person_slug': person.slug, 'case_pk': case.pk, 'case_id': str(case.public_id),
        'charge_pk': charge.pk, 'target_article_pk': target.pk,
        'target_notation': target.notation, 'reclassified_on': '2022-06-01',
    }, out)
"

say "gunicorn on 127.0.0.1:$PORT, celery worker, celery beat"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py registry.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A registry worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle \
  -Q celery,control >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A registry beat --loglevel=INFO --schedule="$WORK/celerybeat-schedule" >"$WORK/beat.log" 2>&1 &
PIDS+=($!)

"$PY" scripts/prod_smoke.py --base "http://127.0.0.1:${PORT}" --setup "$WORK/setup.json" \
  --worker-log "$WORK/worker.log" --beat-log "$WORK/beat.log" --gunicorn-log "$WORK/gunicorn.log"

for pid in "${PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || { say "a server process ($pid) has died"; exit 1; }
done
say "OK: the production setup served the staff edit and its new risk level in $((SECONDS - STARTED)) s"
