from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operational Considerations"
    phase_slug = "operational-considerations"
    phase_order = 3
