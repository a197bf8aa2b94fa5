from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "microcred.work"
    label = "work"
    verbose_name = "Queued work"
