from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "microcred.api"
    verbose_name = "API"

    def ready(self):
        from . import schema  # noqa: F401 (registers the Bearer scheme with drf-spectacular)
