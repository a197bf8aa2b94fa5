from django.contrib import admin

from .models import EmailDomain, Organization, OrganizationMembership


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "default_currency"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EmailDomainInline, MembershipInline]
