from django.db import models

from .kinds import KINDS


class TemplateVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Which release of the built-in default questions (the phase apps' YAML) this version
    # was loaded from, so that loading them again knows what is already there whatever
    # numbers template admins have used meanwhile. NULL for drafts and imports.
    default_release = models.PositiveSmallIntegerField(
        null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Version {self.number}: {self.name} ({self.get_status_display()})"


class Phase(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="phases")
    slug = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "slug"], name="unique_phase_slug_per_version"
            ),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    # Built from the kinds registry, so that a new kind is one entry there.
    # The stubs know the functional API with one label per member, not (value, label).
    Kind = models.TextChoices(  # type: ignore[call-overload]
        "Kind", [(name.upper(), (name, kind.label)) for name, kind in KINDS.items()]
    )

    # Denormalized from phase.version so that keys can be unique per version.
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="questions")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="questions")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    key = models.SlugField(
        max_length=60,
        help_text="Stable identifier; answers follow it from one version to the next.",
    )
    # Position among all questions of the phase in reading (depth-first) order.
    order = models.PositiveIntegerField()
    text = models.TextField()
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LONG_TEXT)
    choices = models.JSONField(default=list, blank=True)
    allow_other = models.BooleanField(
        default=False, help_text='Offer an "Other: ..." free-text option (choice questions).'
    )
    required = models.BooleanField(default=False)
    explanation_required = models.BooleanField(
        default=False,
        help_text="Yes / no questions that ask more than yes or no: an answer needs "
        "its explanation.",
    )
    is_reflection = models.BooleanField(
        default=False, help_text="The phase's closing reflection question."
    )
    # For a record-set question: the record type (a phase app's table) its rows are.
    record_type = models.CharField(max_length=60, blank=True)
    # Shown only when an earlier choice or yes/no question has one of these values.
    show_if_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
        verbose_name="show only if",
    )
    show_if_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["phase__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="unique_question_key_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.text[:60]}"
