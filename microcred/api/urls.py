from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import export_views, template_views, token_views, views

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
    # Record rows.
    # Comments and the review workflow.
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
    path("api/v1/<path:unknown>", views.UnknownEndpoint.as_view(), name="unknown_endpoint"),
]
