#!/usr/bin/env bash
# Run a management command as the services run: user registry, environment from /etc/registry/env.
#   sudo /srv/registry/deploy/manage.sh migrate
#   sudo /srv/registry/deploy/manage.sh check --deploy
set -euo pipefail
ENV_FILE=${REGISTRY_ENV_FILE:-/etc/registry/env}
APP=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -eq 0 ]; then
  exec runuser -u registry -- "$0" "$@"
fi

# The file is read as systemd reads it (KEY=value a line, no quotes, no shell expansion), not
# sourced: a value with spaces or a $ stays as it is.
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in '' | '#'*) continue ;; esac
  export "${line?}"
done <"$ENV_FILE"

cd "$APP"
exec .venv/bin/python manage.py "$@"
