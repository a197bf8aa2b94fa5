from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "microcred.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from microcred.plans.signals import plan_event

        from .receivers import on_plan_event

        plan_event.connect(on_plan_event, dispatch_uid="webhooks.on_plan_event")
