"""The organizations a user belongs to; for an organization's admins, its people and its
settings. The rules are in services.py and selectors.py; these only answer requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .forms import AddPersonForm, OrganizationSettingsForm, RoleForm
from .models import Organization, OrganizationMembership
from .selectors import Person, administers, organization_to_administer, organizations_of, people_of
from .services import (
    add_person,
    give_role,
    remove_person,
    remove_role,
    update_organization_settings,
)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "organizations/organization_list.html", {"entries": organizations_of(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_to_administer(request.user, slug)
    form = AddPersonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            membership = add_person(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{name_of(membership.user)} has the role {membership.get_role_display()} in "
                f"{organization.name}.",
            )
            return redirect("organizations:people", slug=organization.slug)
    return people_page(request, organization, add_form=form)


def _change_role(request: HttpRequest, slug: str, user_id: int, *, action: str) -> HttpResponse:
    """Give (`action` "give_role") or take away ("remove_role") the posted role of one
    person; a refusal is shown in their row of the people page."""
    organization = organization_to_administer(request.user, slug)
    everyone = people_of(organization)
    person = person_in(everyone, user_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        change = give_role if action == "give_role" else remove_role
        try:
            change(organization=organization, user_id=user_id, role=role)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if action == "give_role":
                messages.success(request, f"{name_of(person.user)} is now also {label_of(role)}.")
                return redirect("organizations:people", slug=organization.slug)
            left = person.roles == [role]
            messages.success(
                request,
                f"{name_of(person.user)} is no longer {label_of(role)}"
                + (f", and no longer in {organization.name}." if left else "."),
            )
            return after_change(request, organization, user_id)
    return people_page(
        request, organization, everyone=everyone, refused=(user_id, action, reasons(form))
    )


@login_required
@require_POST
def person_give_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    return _change_role(request, slug, user_id, action="give_role")


@login_required
@require_POST
def person_remove_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    return _change_role(request, slug, user_id, action="remove_role")


@login_required
@require_POST
def person_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = organization_to_administer(request.user, slug)
    everyone = people_of(organization)
    person = person_in(everyone, user_id)
    try:
        remove_person(organization=organization, user_id=user_id)
    except ValidationError as error:
        refusal = error.messages
    else:
        messages.success(request, f"{name_of(person.user)} removed from {organization.name}.")
        return after_change(request, organization, user_id)
    return people_page(
        request, organization, everyone=everyone, refused=(user_id, "remove", refusal)
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_to_administer(request.user, slug)
    form = OrganizationSettingsForm(
        request.POST if request.method == "POST" else None,
        # A copy: a refused form must not change the organization shown around it.
        instance=Organization.objects.get(pk=organization.pk),
    )
    if form.is_bound and form.is_valid():
        try:
            update_organization_settings(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("organizations:settings", slug=organization.slug)
    return render(
        request,
        "organizations/organization_settings.html",
        {"organization": organization, "form": form},
        status=400 if form.is_bound else 200,
    )


# Helpers


def people_page(
    request: HttpRequest,
    organization: Organization,
    *,
    add_form: AddPersonForm | None = None,
    everyone: list[Person] | None = None,
    refused: tuple[int, str, list[str]] | None = None,
) -> HttpResponse:
    """The people page; 400 when it answers a refused POST (its reasons beside the form)."""
    add_form = add_form or AddPersonForm()
    return render(
        request,
        "organizations/people.html",
        {
            "organization": organization,
            "people": people_of(organization) if everyone is None else everyone,
            "form": add_form,
            "refused_user_id": refused[0] if refused else None,
            "refused_action": refused[1] if refused else "",
            "refusal": refused[2] if refused else [],
        },
        status=400 if add_form.is_bound or refused else 200,
    )


def reasons(form: RoleForm) -> list[str]:
    """Why a row's form was refused, said beside it."""
    return [*form.errors.get("role", []), *form.non_field_errors()]


def person_in(everyone: list[Person], user_id: int) -> Person:
    for person in everyone:
        if person.user.pk == user_id:
            return person
    raise Http404("No such person in this organization.")


def after_change(request: HttpRequest, organization: Organization, user_id: int) -> HttpResponse:
    """Back to the people page, or to the user's organizations when they no longer
    administer this one."""
    if user_id == request.user.pk and not administers(request.user, organization):
        return redirect("organizations:index")
    return redirect("organizations:people", slug=organization.slug)


def add_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_of_field in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_of_field)
    else:
        form.add_error(None, error.messages)


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()


def label_of(role: str) -> str:
    return str(OrganizationMembership.Role(role).label)
