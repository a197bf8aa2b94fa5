"""What each credential model offered by `credential_model` means, shown beside the
question where a planner chooses one: the options' names alone ("ABC model") explain
nothing to someone new to credentialing."""

from dataclasses import dataclass

from microcred.plans.models import Plan
from microcred.questionnaires.models import Question

CREDENTIAL_MODEL = "credential_model"


@dataclass(frozen=True)
class CredentialModel:
    name: str  # the option as the question offers it
    meaning: str
    choose_when: str


# By the option as written in the default questions; an option a template admin adds
# has no meaning here, and is left out.
CREDENTIAL_MODELS = {
    model.name: model
    for model in (
        CredentialModel(
            name="ABC model",
            meaning=(
                "An assessment-based certificate: a course of learning built around set "
                "learning outcomes, then an assessment of those outcomes that decides who "
                "earns the credential (the model of the ICE 1100 standard for "
                "assessment-based certificate programs)."
            ),
            choose_when="you provide the learning and assess every candidate at its end.",
        ),
        CredentialModel(
            name="Stackable",
            meaning=(
                "Smaller credentials, each earned and issued on its own, that add up to a "
                "larger one (a certificate, a diploma or degree credit)."
            ),
            choose_when=(
                "candidates can stop after any component and still hold something; this "
                "phase then asks for the components and their order."
            ),
        ),
        CredentialModel(
            name="Certificate",
            meaning=(
                "One credential awarded for completing a program of learning, as a whole; "
                "its Open Badges definition is typed as a Certificate."
            ),
            choose_when="completing the program is what the credential attests.",
        ),
    )
}
OTHER_MODEL = CredentialModel(
    name="Other",
    meaning="A model none of the above describes.",
    choose_when="none fits: name your model in the box that appears.",
)


def offered_credential_models(*, plan: Plan) -> list[CredentialModel]:
    """The meaning of each model the plan's question offers that this module knows, in the
    question's order (one query); [] when the plan's template version does not ask it."""
    question = (
        Question.objects.filter(version_id=plan.template_version_id, key=CREDENTIAL_MODEL)
        .only("choices", "allow_other")
        .first()
    )
    if question is None:
        return []
    known = [choice for choice in question.choices if choice in CREDENTIAL_MODELS]
    models = [CREDENTIAL_MODELS[choice] for choice in known]
    return [*models, OTHER_MODEL] if question.allow_other else models
