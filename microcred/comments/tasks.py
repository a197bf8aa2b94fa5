from celery import shared_task

from microcred.work.runner import mail_task_options

from . import digests


@shared_task(ignore_result=True, **mail_task_options())
def send_digests_after_comment(comment_id: int) -> int:
    """Handed over once a comment is posted: send the digests about its plan that are
    due by now to those it was noted for."""
    return digests.send_digests_after_comment(comment_id=comment_id)


@shared_task(ignore_result=True)
def send_due_comment_digests() -> int:
    """Run by Celery beat: e-mail each person the comments whose digest is due."""
    return digests.send_due_comment_digests()
