from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "microcred.review"
    label = "review"
    verbose_name = "Review"
