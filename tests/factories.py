import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Max

from microcred.organizations.models import Organization, OrganizationMembership
from microcred.organizations.services import unique_slug
from microcred.plans.models import Plan, PlanMembership
from microcred.questionnaires.services import load_default_template

PASSWORD = "correct-horse-battery-staple"
# The six phases of the default template, in order.
PHASE_TITLES = [
    "Strategic Planning",
    "Marketing",
    "Operational Considerations",
    "Design and Development",
    "Delivery",
    "Maintenance",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = "Northbridge Institute"
    slug = factory.LazyAttribute(lambda o: unique_slug(o.name))


def organization_named(name: str) -> Organization:
    return OrganizationFactory(name=name)


def add_to_organization(user, role: str, name: str = "Northbridge Institute"):
    """`user` in the organization of that name (made when missing) in `role`."""
    organization = organization_named(name)
    OrganizationMembership.objects.get_or_create(organization=organization, user=user, role=role)
    return organization


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Microcredential {n}")
    slug = factory.LazyAttribute(lambda p: p.title.lower().replace(" ", "-"))
    # A name is the organization of that name, made when missing.
    organization = factory.SubFactory(OrganizationFactory)
    summary = "A short credential."
    template_version = factory.LazyFunction(load_default_template)
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if isinstance(kwargs.get("organization"), str):
            kwargs["organization"] = organization_named(kwargs["organization"])
        return kwargs

    @factory.post_generation
    def owner_membership(self, create, extracted, **kwargs):
        if create and self.created_by:
            PlanMembership.objects.get_or_create(
                plan=self, user=self.created_by, defaults={"role": PlanMembership.Role.OWNER}
            )


def add_member(plan, user, role):
    return PlanMembership.objects.create(plan=plan, user=user, role=role)


def record_set_question_in(version, record_type: str):
    """The version's record-set question for a record type, added at the end of its phase
    app's phase when the version has none (the default template asks for most tables)."""
    question = version.questions.filter(record_type=record_type).first()
    if question is not None:
        return question
    app_label, _, table = record_type.partition(".")
    phase = version.phases.get(slug=apps.get_app_config(app_label).phase_slug)
    last = phase.questions.aggregate(last=Max("order"))["last"] or 0
    return phase.questions.create(
        version=version,
        key=table,
        order=last + 1,
        text=f"Your {table.replace('_', ' ')}",
        kind="record_set",
        record_type=record_type,
    )
