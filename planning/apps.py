from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Strategic Planning"
    phase_slug = "strategic-planning"
    phase_order = 1
