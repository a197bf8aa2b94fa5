from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "microcred.transfer"
    label = "transfer"
    verbose_name = "Plan transfer"
