from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "design"
    verbose_name = "Design and Development"
    phase_slug = "design-and-development"
    phase_order = 4
