from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import (
    answer_views,
    comment_views,
    content_views,
    export_views,
    record_views,
    template_views,
    token_views,
    views,
    workflow_views,
)

app_name = "api"

urlpatterns = [
    path("api/tokens/", token_views.tokens, name="tokens"),
    path("api/tokens/new/", token_views.token_created, name="token_created"),
    path("api/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its set-up script from this URL (?script), not inline, so the
    # site's Content-Security-Policy needs no exception.
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("api/v1/plans/", views.PlanList.as_view(), name="plan_list"),
    path("api/v1/plans/<int:pk>/", views.PlanDetail.as_view(), name="plan_detail"),
    # The plan's content and answers.
    path(
        "api/v1/plans/<int:pk>/content/", content_views.PlanContent.as_view(), name="plan_content"
    ),
    path("api/v1/plans/<int:pk>/answers/", answer_views.AnswerList.as_view(), name="answer_list"),
    path(
        "api/v1/plans/<int:pk>/answers/<str:question_key>/",
        answer_views.AnswerDetail.as_view(),
        name="answer_detail",
    ),
    # Record rows.
    path(
        "api/v1/plans/<int:pk>/records/<slug:question_key>/",
        record_views.RecordRows.as_view(),
        name="record_rows",
    ),
    path(
        "api/v1/plans/<int:pk>/records/<slug:question_key>/<int:row_id>/",
        record_views.RecordRow.as_view(),
        name="record_row",
    ),
    path(
        "api/v1/plans/<int:pk>/records/<slug:question_key>/<int:row_id>/move/",
        record_views.RecordRowMove.as_view(),
        name="record_row_move",
    ),
    # Comments and the review workflow.
    path(
        "api/v1/plans/<int:pk>/comments/",
        comment_views.PlanComments.as_view(),
        name="plan_comments",
    ),
    path(
        "api/v1/plans/<int:pk>/comments/<int:thread_id>/",
        comment_views.CommentThread.as_view(),
        name="comment_thread",
    ),
    path("api/v1/plans/<int:pk>/submit/", workflow_views.PlanSubmit.as_view(), name="plan_submit"),
    path(
        "api/v1/plans/<int:pk>/decision/",
        workflow_views.PlanDecision.as_view(),
        name="plan_decision",
    ),
    path("api/v1/plans/<int:pk>/reopen/", workflow_views.PlanReopen.as_view(), name="plan_reopen"),
    # Exports.
    path(
        "api/v1/plans/<int:pk>/exports/",
        export_views.PlanExportList.as_view(),
        name="export_list",
    ),
    path(
        "api/v1/plans/<int:pk>/exports/<int:export_id>/",
        export_views.PlanExportDetail.as_view(),
        name="export_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/exports/<int:export_id>/file/",
        export_views.PlanExportFile.as_view(),
        name="export_file",
    ),
    # Templates.
    path("api/v1/templates/", template_views.TemplateList.as_view(), name="template_list"),
    path(
        "api/v1/templates/<int:number>/",
        template_views.TemplateDetail.as_view(),
        name="template_detail",
    ),
    # Last: whatever the routes above do not match.
    # (Any character: `path` stops at a line break, and Django's HTML 404 would answer.)
    re_path(
        r"^api/v1/(?P<unknown>[\s\S]*)\Z",
        views.UnknownEndpoint.as_view(),
        name="unknown_endpoint",
    ),
]
