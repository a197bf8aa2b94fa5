from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import answer_views, content_views, token_views, views  # the plan's content and answers

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
    # Comments and the review workflow.
    # Exports.
    # Templates.
    # Last: whatever the routes above do not match.
    path("api/v1/<path:unknown>", views.UnknownEndpoint.as_view(), name="unknown_endpoint"),
]
