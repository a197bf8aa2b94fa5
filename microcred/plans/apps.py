from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "microcred.plans"
    label = "plans"
    verbose_name = "Plans"
