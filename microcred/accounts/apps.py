from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "microcred.accounts"
    verbose_name = "Sign-in"

    def ready(self):
        from django.core.checks import Tags, register

        from .checks import check_trusted_proxy_count

        register(check_trusted_proxy_count, Tags.security)
