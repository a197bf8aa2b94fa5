"""Site admins (superusers only) see every endpoint here, and register those for every
plan (the plan left empty), which no plan's page lists."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .addresses import RefusedAddress, check_url
from .endpoint_flag import endpoints_changed
from .events import EVENT_CHOICES
from .models import WebhookDelivery, WebhookEndpoint
from .signing import new_secret


class SuperusersOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


class EndpointAdminForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["plan", "url", "events", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except RefusedAddress as refusal:
            raise ValidationError(str(refusal)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SuperusersOnly, admin.ModelAdmin):
    form = EndpointAdminForm
    list_display = ["url", "plan", "active", "failure_count", "disabled_at", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "plan__title"]
    raw_id_fields = ["plan"]
    readonly_fields = [
        "secret",
        "failure_count",
        "disabled_at",
        "disabled_reason",
        "disabled_notice_sent_at",
        "created_by",
        "created_at",
    ]

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = new_secret()
            obj.created_by = request.user
        if obj.active and obj.disabled_at:
            obj.disabled_at, obj.disabled_reason, obj.failure_count = None, "", 0
        super().save_model(request, obj, form, change)
        endpoints_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        endpoints_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        endpoints_changed()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["event", "endpoint", "plan", "state", "attempts", "status_code", "created_at"]
    list_filter = ["state", "event"]
    list_select_related = ["endpoint", "plan"]
    raw_id_fields = ["endpoint", "plan"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False
