"""The yardstick for speed: a bare Django project with a view that makes 5 queries and
renders 70 rows with a CSRF token in a plain template, and a CSRF-checked write view that
locks and updates one row (a note) and returns a fragment. benchmarks/pages.py and
benchmarks/editing.py serve it with the same gunicorn and PostgreSQL as the application."""

import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "benchmarks.bare"]
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
ROOT_URLCONF = "benchmarks.bare.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("BARE_DATABASE_NAME", "microcred_bench_bare"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),  # as the application
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
