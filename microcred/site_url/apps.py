from django.apps import AppConfig


class SiteUrlConfig(AppConfig):
    name = "microcred.site_url"
    verbose_name = "Site address"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
