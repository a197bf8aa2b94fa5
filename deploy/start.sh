#!/bin/sh
# How the image's processes start (Dockerfile, docker-compose.yml), which CI runs too
# (tests/deploy). Each reads its settings from the environment (docs/operations/settings.md).
#
#   start.sh release   migrate and load the default template: once per release, before the
#                      web processes start (on one host only when there are several)
#   start.sh web       gunicorn on BIND (0.0.0.0:8000) with WEB_CONCURRENCY workers (3)
#   start.sh worker    a Celery worker with CONCURRENCY processes (2)
#   start.sh beat      Celery beat: exactly one per deployment
set -eu
cd "$(dirname "$0")/.."

case "${1:-}" in
  release)
    python manage.py migrate --noinput
    python manage.py load_default_template
    ;;
  web)
    exec gunicorn microcred.wsgi:application \
      --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_CONCURRENCY:-3}" --no-control-socket
    ;;
  worker)
    exec celery -A microcred worker --loglevel=info --concurrency="${CONCURRENCY:-2}"
    ;;
  beat)
    # Its schedule is in the settings; the file is only a cache.
    exec celery -A microcred beat --loglevel=info \
      --schedule "${TMPDIR:-/tmp}/microcred-celerybeat-schedule"
    ;;
  *)
    echo "usage: $0 release|web|worker|beat" >&2
    exit 2
    ;;
esac
