from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "microcred.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from django.core.checks import register
        from django.db.models.signals import post_delete, post_save

        from microcred.organizations.models import OrganizationMembership

        from .checks import check_default_currency
        from .site_roles import forget_site_roles_of_member

        register(check_default_currency)
        # The organizations app is below this one: it cannot call forget_site_roles.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_site_roles_of_member,
                sender=OrganizationMembership,
                dispatch_uid=f"forget-site-roles-{signal is post_save}",
            )
