from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "microcred.organizations"
    verbose_name = "Organizations"

    def ready(self):
        # Identity providers are edited as IdentityProviders (admin.py); allauth never reads
        # its own table of apps here (adapters.py), so its admin page would mislead.
        from allauth.socialaccount.models import SocialApp
        from django.contrib import admin

        if admin.site.is_registered(SocialApp):
            admin.site.unregister(SocialApp)
