from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "microcred.organizations"
    verbose_name = "Organizations"
