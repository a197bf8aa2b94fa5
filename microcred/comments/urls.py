from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("<int:plan_id>/comments/", views.plan_comments, name="plan_comments"),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/comments/",
        views.comment_add,
        name="comment_on_phase",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/questions/<slug:question_key>/comments/",
        views.comment_add,
        name="comment_on_question",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/threads/<int:thread_id>/reply/",
        views.comment_reply,
        name="reply",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/threads/<int:thread_id>/resolve/",
        views.comment_resolve,
        name="resolve",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/threads/<int:thread_id>/reopen/",
        views.comment_reopen,
        name="reopen",
    ),
]
