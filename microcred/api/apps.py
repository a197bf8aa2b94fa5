from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "microcred.api"
    verbose_name = "API"
