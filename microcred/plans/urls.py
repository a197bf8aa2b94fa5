from django.urls import path

from .views import (
    archive,
    autosave,
    dashboard,
    history,
    invitations,
    lists,
    members,
    phases,
    plan_settings,
    records,
    versions,
)

app_name = "plans"
urlpatterns = [
    path("", lists.plan_list, name="list"),
    path("new/", lists.plan_create, name="create"),
    path("archived/", lists.archived_plans, name="archived"),
    path("<int:plan_id>/", dashboard.plan_dashboard, name="dashboard"),
    path("<int:plan_id>/phases/<slug:phase_slug>/", phases.phase_answers, name="phase"),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/readiness/",
        phases.phase_readiness_part,
        name="phase_readiness",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/questions/<slug:question_key>/",
        autosave.autosave_answer,
        name="autosave_answer",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/add/",
        records.record_add,
        name="record_add",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/",
        records.record_change,
        name="record_change",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/"
        "delete/",
        records.record_delete,
        name="record_delete",
    ),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/records/<slug:question_key>/<int:record_id>/move/",
        records.record_move,
        name="record_move",
    ),
    path("<int:plan_id>/settings/", plan_settings.plan_settings, name="settings"),
    path("<int:plan_id>/members/", members.plan_members, name="members"),
    path(
        "<int:plan_id>/members/<int:membership_id>/remove/",
        members.plan_member_remove,
        name="member_remove",
    ),
    path(
        "<int:plan_id>/invitations/<int:invitation_id>/withdraw/",
        members.plan_invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", invitations.invitation_page, name="invitation"),
    path("<int:plan_id>/archive/", archive.plan_archive, name="archive"),
    path("<int:plan_id>/restore/", archive.plan_restore, name="restore"),
    path("<int:plan_id>/version/", versions.move_version, name="move_version"),
    path("versions/<int:version_id>/move/", versions.move_plans, name="move_plans"),
    path(
        "<int:plan_id>/answers/<slug:question_key>/history/",
        history.answer_history_page,
        name="answer_history",
    ),
]
