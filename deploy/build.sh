#!/bin/sh
# The image's build step (Dockerfile), which CI runs too (tests/deploy): collect the static
# files under the production settings. With DEBUG off, WhiteNoise serves each file under its
# hashed name, which only the manifest written here knows: collected with DEBUG on there is
# no manifest, and every page fails.
#
# STATIC_ROOT (default: staticfiles/) says where they go.
set -eu
cd "$(dirname "$0")/.."

# collectstatic uses no secret and answers no request, but the settings ask for both with
# DEBUG off: throwaway values, unless the caller gave real ones.
DEBUG=false \
SECRET_KEY="${SECRET_KEY:-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
ALLOWED_HOSTS="${ALLOWED_HOSTS:-build.invalid}" \
  python manage.py collectstatic --noinput
