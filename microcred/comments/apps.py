from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "microcred.comments"
    label = "comments"
    verbose_name = "Comments"
