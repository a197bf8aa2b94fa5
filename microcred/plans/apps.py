from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "microcred.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from django.core.checks import register

        from microcred.questionnaires.record_types import register_record_types

        from .checks import check_default_currency
        from .record_sets import REGISTRY

        register_record_types({name: record_type.label for name, record_type in REGISTRY.items()})
        register(check_default_currency)
