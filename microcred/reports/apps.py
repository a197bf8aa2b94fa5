from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "microcred.reports"
    label = "reports"
    verbose_name = "Reports"
