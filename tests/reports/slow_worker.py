"""Test-only: a Celery worker whose PDF renders first sleep SLOW_RENDER_SECONDS, so that a
test can kill it mid-render. Start it with `celery -A tests.reports.slow_worker worker`."""

import os
import time

import django

from microcred import celery_app as app

django.setup()

from microcred.reports import rendering  # noqa: E402  (needs the apps loaded)

_html_to_pdf = rendering.html_to_pdf


def _slow_html_to_pdf(html, **kwargs):
    time.sleep(float(os.environ["SLOW_RENDER_SECONDS"]))
    return _html_to_pdf(html, **kwargs)


rendering.html_to_pdf = _slow_html_to_pdf
__all__ = ["app"]
