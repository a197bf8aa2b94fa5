"""What a plan's workflow tells the apps above it (webhooks), without knowing them: the
services send `plan_event` inside the change's transaction, after the change is made, so
that a receiver's own writes commit or roll back with it."""

from django.dispatch import Signal

# Sent with `plan` (the Plan), `event` (one of the names below) and `subject`: the review
# round (submitted, decided, reopened), the export (exported), or None (answer changed).
plan_event = Signal()

SUBMITTED = "plan.submitted"
CHANGES_REQUESTED = "plan.changes_requested"  # "plan." + ReviewRound.Decision's value
APPROVED = "plan.approved"
REOPENED = "plan.reopened"
EXPORTED = "plan.exported"
# Any answer or table row saved, added, deleted or moved (sent by stamp_plan_changed).
ANSWER_CHANGED = "plan.answer_changed"
