from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "microcred.records"
    label = "records"
    verbose_name = "Record sets"

    def ready(self):
        from microcred.questionnaires.record_types import register_record_types

        from .registry import REGISTRY

        register_record_types({name: record_type.label for name, record_type in REGISTRY.items()})
