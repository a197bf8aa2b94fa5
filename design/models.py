"""The design phase's records: the competencies a credential certifies, the components it
stacks from, the learning it offers and how mastery is assessed."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from microcred.questionnaires.kinds import SHORT_TEXT_MAX
from microcred.records.models import PlanRecord, require_other, short_text_field


def hours_field(
    verbose_name: str, **kwargs: Any
) -> "models.DecimalField[Decimal | int | str, Decimal]":
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0, "Hours cannot be negative.")],
        **kwargs,
    )


class Competency(PlanRecord):
    """A competency or standard that the credential certifies, named as its framework
    publishes it: these are the credential's alignments in Open Badges."""

    name = short_text_field("competency or standard")
    framework = short_text_field("framework", blank=True)
    code = short_text_field("code", blank=True)
    url = models.URLField("web address of its description", max_length=SHORT_TEXT_MAX)

    class Meta(PlanRecord.Meta):
        verbose_name = "competency"
        verbose_name_plural = "competencies"

    def __str__(self):
        return self.name


class StackComponent(PlanRecord):
    class Requirement(models.TextChoices):
        REQUIRED = "required", "Required"
        ELECTIVE = "elective", "Elective"

    title = short_text_field("title")
    requirement = models.CharField(
        "required or elective", max_length=16, choices=Requirement, default=Requirement.REQUIRED
    )
    learning_hours = hours_field("learning hours")

    class Meta(PlanRecord.Meta):
        verbose_name = "stack component"

    def __str__(self):
        return self.title


class LearningComponent(PlanRecord):
    class Modality(models.TextChoices):
        ASYNCHRONOUS = "asynchronous", "Asynchronous"
        SYNCHRONOUS = "synchronous", "Synchronous"
        BOTH = "both", "Both"

    class Media(models.TextChoices):
        VIDEOS = "videos", "Videos"
        ONLINE_MODULES = "online_modules", "Online modules"
        INSTRUCTOR_MATERIALS = "instructor_materials", "Instructor materials"
        LIVE_SESSIONS = "live_sessions", "Live sessions"
        OTHER = "other", "Other"

    title = short_text_field("title")
    stack_component = models.ForeignKey(
        StackComponent,
        verbose_name="for stack component",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_components",
    )
    modality = models.CharField("modality", max_length=16, choices=Modality)
    media = models.CharField("media", max_length=32, choices=Media)
    media_other = short_text_field("other media", blank=True)
    developer = short_text_field("developed by")
    hours = hours_field("hours")

    class Meta(PlanRecord.Meta):
        verbose_name = "learning component"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = require_other(self, "media", "media_other")
        if errors:
            raise ValidationError(errors)

    @property
    def media_name(self) -> str:
        return self.media_other if self.media == self.Media.OTHER else self.get_media_display()


class AssessmentDesign(PlanRecord):
    class Form(models.TextChoices):
        EXAM = "exam", "Exam"
        PERFORMANCE_TASK = "performance_task", "Performance task"
        ARTIFACT = "artifact", "Artifact"
        PORTFOLIO = "portfolio", "Portfolio"
        OTHER = "other", "Other"

    class StandardSetting(models.TextChoices):
        MODIFIED_ANGOFF = "modified_angoff", "Modified Angoff"
        BOOKMARK = "bookmark", "Bookmark"
        BORDERLINE_GROUP = "borderline_group", "Borderline group"
        FIXED_SCORE = "fixed_score", "Fixed score set by policy"
        OTHER = "other", "Other"

    class Scoring(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        RATER = "rater", "Rater"
        BOTH = "both", "Automatic and rater"

    title = short_text_field("assessment")
    form = models.CharField("form", max_length=20, choices=Form)
    form_other = short_text_field("other form", blank=True)
    item_count = models.PositiveIntegerField(
        "number of items",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Give at least 1 item.")],
    )
    time_limit_minutes = models.PositiveIntegerField(
        "time limit (minutes)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Give a time limit of at least 1 minute, or leave it empty."),
            MaxValueValidator(1440, "Give a time limit of at most 1,440 minutes (a day)."),
        ],
    )
    passing_standard = short_text_field("passing standard", blank=True)
    standard_setting = models.CharField(
        "how the standard is set", max_length=20, choices=StandardSetting, blank=True
    )
    standard_setting_other = short_text_field("other way to set the standard", blank=True)
    scoring = models.CharField("scoring", max_length=16, choices=Scoring)

    class Meta(PlanRecord.Meta):
        verbose_name = "assessment"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = require_other(self, "form", "form_other")
        errors |= require_other(self, "standard_setting", "standard_setting_other")
        if errors:
            raise ValidationError(errors)

    @property
    def is_exam(self) -> bool:
        return self.form == self.Form.EXAM

    @property
    def form_name(self) -> str:
        return self.form_other if self.form == self.Form.OTHER else self.get_form_display()

    @property
    def standard_setting_name(self) -> str:
        if self.standard_setting == self.StandardSetting.OTHER:
            return self.standard_setting_other
        return self.get_standard_setting_display()
