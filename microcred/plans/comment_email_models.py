"""What people hear of comments by e-mail: their preference, each comment waiting for their
next digest, and when their last digest about a plan went out. Models of the plans app
(microcred/plans/models.py imports them), naming its plans and comments by label."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationPreference(models.Model):
    """What e-mails a user wants beyond those their work needs; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    comment_emails = models.BooleanField(
        "E-mail me about new comments and replies",
        default=True,
        help_text="At most one e-mail per plan every 15 minutes, listing the new comments.",
    )

    def __str__(self):
        return f"Notification preferences of {self.user}"


class CommentNotice(models.Model):
    """A comment one person should hear of, waiting for their next comment digest."""

    comment = models.ForeignKey("plans.Comment", on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_notices"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When a digest covered it (or it was dropped, the recipient having opted out).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "recipient"], name="one_notice_per_reader"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "plan", "created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="unsent_comment_notices",
            )
        ]

    def __str__(self):
        return f"Notice of comment {self.comment_id} for {self.recipient}"


class CommentDigest(models.Model):
    """The watermark of one person's comment e-mails about one plan: when the last one went
    out. Claimed with a conditional update, so that two runs never send the same digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "plan"], name="one_digest_per_reader_plan"
            ),
        ]

    def __str__(self):
        return f"Comment digest of {self.plan} for {self.recipient}"
