"""The question templates as the API shows them: the released versions, and one version's
phases with their questions, as the pages number them, with the tables the record-set
questions call for."""

from functools import cache

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from microcred.questionnaires.conditions import condition_text
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.selectors import PhaseOutline, QuestionItem, VersionOutline
from microcred.records.registry import REGISTRY, record_type_named
from microcred.transfer.plan_json import row_fields


class TemplateVersionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    phase_count = serializers.IntegerField()

    class Meta:
        model = TemplateVersion
        fields = ["number", "name", "status", "published_at", "phase_count", "url"]

    def get_url(self, version: TemplateVersion) -> str:
        return reverse(
            "api:template_detail",
            kwargs={"number": version.number},
            request=self.context.get("request"),
        )


# What a row's field holds, by the kind of model field (the others hold text).
FIELD_TYPES = (
    (models.BooleanField, "boolean"),
    (models.DecimalField, "decimal"),
    (models.IntegerField, "integer"),
    (models.FloatField, "decimal"),
    (models.DateField, "date"),
    (models.ManyToManyField, "rows"),
    (models.ForeignKey, "row"),
)


def field_type(model_field: models.Field) -> str:
    if model_field.choices:
        return "choice"
    return next((name for kind, name in FIELD_TYPES if isinstance(model_field, kind)), "text")


class FieldChoiceSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="As the plan's content gives the field's value.")
    label = serializers.CharField()


class RecordFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["text", "choice", "boolean", "decimal", "integer", "date", "row", "rows"],
        help_text="`row` and `rows`: one or several rows of the table `links_to` names.",
    )
    required = serializers.BooleanField()
    choices = FieldChoiceSerializer(many=True)
    links_to = serializers.CharField(allow_null=True, help_text="A record type's name.")


class RecordColumnSerializer(serializers.Serializer):
    field = serializers.CharField(help_text='The row\'s field it shows ("" if computed).')
    heading = serializers.CharField()
    numeric = serializers.BooleanField()


class RecordTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    row_name = serializers.CharField()
    ordered = serializers.BooleanField(help_text="Planners order the rows.")
    single_row = serializers.BooleanField(help_text="The table holds one row at most.")
    max_rows = serializers.IntegerField()
    fields = RecordFieldSerializer(many=True, help_text="What each row holds.")
    columns = RecordColumnSerializer(many=True, help_text="The table's columns, as pages show it.")


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def record_type_description(name: str) -> dict | None:
    """A record type as the API describes it (None for a name no phase app has); it never
    changes while the code runs."""
    record_type = record_type_named(name)
    if record_type is None:
        return None
    fields = [
        {
            "name": model_field.name,
            "label": capitalized(str(model_field.verbose_name)),
            "type": field_type(model_field),
            "required": not model_field.blank,
            "choices": [
                {"value": value, "label": str(label)} for value, label in model_field.flatchoices
            ],
            "links_to": next(
                (
                    other.name
                    for other in REGISTRY.values()
                    if model_field.related_model is not None
                    and other.model is model_field.related_model
                ),
                None,
            ),
        }
        for model_field in row_fields(record_type)
    ]
    columns = [
        {"field": column.field, "heading": column.heading, "numeric": column.numeric}
        for column in record_type.column_list()
    ]
    return RecordTypeSerializer(
        {
            "name": record_type.name,
            "label": record_type.label,
            "row_name": record_type.row_name,
            "ordered": record_type.ordered,
            "single_row": record_type.single_row,
            "max_rows": record_type.most_rows,
            "fields": fields,
            "columns": columns,
        }
    ).data


class ConditionSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The key of the question the condition reads.")
    values = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField(help_text="The condition in words, as the pages say it.")


class QuestionSerializer(serializers.Serializer):
    """A question item (questionnaires.selectors.QuestionItem); the context's `questions`
    are the version's questions by id."""

    key = serializers.CharField(source="question.key")
    parent = serializers.SerializerMethodField(help_text="The parent question's key.")
    number = serializers.CharField(help_text='As the pages number it ("" for the reflection).')
    depth = serializers.IntegerField()
    text = serializers.CharField(source="question.text")
    help_text = serializers.CharField(source="question.help_text")
    kind = serializers.CharField(source="question.kind")
    choices = serializers.ListField(child=serializers.CharField(), source="question.choices")
    allow_other = serializers.BooleanField(source="question.allow_other")
    required = serializers.BooleanField(source="question.required")
    explanation_required = serializers.BooleanField(source="question.explanation_required")
    is_reflection = serializers.BooleanField(source="question.is_reflection")
    condition = serializers.SerializerMethodField(help_text="Shown only when it holds.")
    record_type = serializers.SerializerMethodField(
        help_text="For a record-set question: the table its answer is."
    )

    def get_parent(self, item: QuestionItem) -> str | None:
        parent = self.context["questions"].get(item.question.parent_id)
        return parent.key if parent else None

    @extend_schema_field(ConditionSerializer(allow_null=True))
    def get_condition(self, item: QuestionItem) -> dict | None:
        question = item.question
        target = self.context["questions"].get(question.show_if_question_id)
        if target is None:
            return None
        return {
            "question": target.key,
            "values": question.show_if_values,
            "text": condition_text(question, self.context["questions"]),
        }

    @extend_schema_field(RecordTypeSerializer(allow_null=True))
    def get_record_type(self, item: QuestionItem) -> dict | None:
        return record_type_description(item.question.record_type or "")


class PhaseSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="phase.slug")
    order = serializers.IntegerField(source="phase.order")
    title = serializers.CharField(source="phase.title")
    intro = serializers.CharField(source="phase.intro")
    questions = QuestionSerializer(source="items", many=True)


class TemplateDetailSerializer(serializers.Serializer):
    """A version's outline (questionnaires.selectors.VersionOutline)."""

    number = serializers.IntegerField(source="version.number")
    name = serializers.CharField(source="version.name")
    status = serializers.ChoiceField(
        source="version.status", choices=TemplateVersion.Status.choices
    )
    notes = serializers.CharField(source="version.notes")
    published_at = serializers.DateTimeField(source="version.published_at", allow_null=True)
    phases = serializers.SerializerMethodField()

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, outline: VersionOutline) -> list:
        phases: list[PhaseOutline] = outline.phases
        context = {**self.context, "questions": outline.questions_by_id}
        return PhaseSerializer(phases, many=True, context=context).data
