from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "microcred.webhooks"
    verbose_name = "Webhooks"
