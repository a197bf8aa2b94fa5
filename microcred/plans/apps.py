from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "microcred.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from django.core.checks import register

        from .checks import check_default_currency

        register(check_default_currency)
