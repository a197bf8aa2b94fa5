from django.urls import path

from . import record_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("archived/", views.archived_plans, name="archived"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("<int:plan_id>/", views.plan_dashboard, name="dashboard"),
    path("<int:plan_id>/phases/<slug:phase_slug>/", views.phase_answers, name="phase"),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/questions/<slug:question_key>/",
        views.autosave_answer,
        name="autosave_answer",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/add/",
        record_views.record_add,
        name="record_add",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/",
        record_views.record_change,
        name="record_change",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/"
        "delete/",
        record_views.record_delete,
        name="record_delete",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/move/",
        record_views.record_move,
        name="record_move",
    ),
    path("<int:plan_id>/settings/", views.plan_settings, name="settings"),
    path("<int:plan_id>/members/", views.plan_members, name="members"),
    path(
        "<int:plan_id>/members/<int:membership_id>/remove/",
        views.plan_member_remove,
        name="member_remove",
    ),
    path(
        "<int:plan_id>/invitations/<int:invitation_id>/withdraw/",
        views.plan_invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", views.invitation_page, name="invitation"),
    path("<int:plan_id>/submit/", views.plan_submit, name="submit"),
    path("<int:plan_id>/decide/", views.plan_decide, name="decide"),
    path("<int:plan_id>/reopen/", views.plan_reopen, name="reopen"),
    path("<int:plan_id>/archive/", views.plan_archive, name="archive"),
    path("<int:plan_id>/restore/", views.plan_restore, name="restore"),
    path("<int:plan_id>/changes/", views.plan_changes, name="changes"),
    path("<int:plan_id>/comments/", views.plan_comments, name="comments"),
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
        name="comment_reply",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/threads/<int:thread_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/threads/<int:thread_id>/reopen/",
        views.comment_reopen,
        name="comment_reopen",
    ),
    path("<int:plan_id>/version/", views.move_version, name="move_version"),
    path(
        "<int:plan_id>/answers/<slug:question_key>/history/",
        views.answer_history_page,
        name="answer_history",
    ),
]
