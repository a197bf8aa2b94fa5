"""The API's settings (settings.REST_FRAMEWORK and SPECTACULAR_SETTINGS; docs/api.md):
personal access tokens or the session, every error one shape, throttled per user."""


def rest_framework(*, throttle_rate: str) -> dict:
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            # First, so that a request without credentials is a 401 that names Bearer.
            "microcred.api.authentication.BearerTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": [
            "rest_framework.permissions.IsAuthenticated",
            "microcred.api.permissions.TokenScope",
        ],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PAGINATION_CLASS": "microcred.api.pagination.PagePagination",
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "EXCEPTION_HANDLER": "microcred.api.errors.api_exception_handler",
        "DEFAULT_THROTTLE_CLASSES": ["microcred.api.throttling.PerUserThrottle"],
        "DEFAULT_THROTTLE_RATES": {"user": throttle_rate},
    }


# What drf-spectacular says of the API, and where Swagger UI's files come from.
OPENAPI_DESCRIPTION = {
    "TITLE": "Microcred Planner API",
    "DESCRIPTION": (
        "Read and write the plans you may see: their settings, answers, tables' rows, "
        "comments and review, their exports, and the published templates. Authenticate "
        "with a personal access token (`Authorization: Bearer mcp_…`, made on /api/tokens/). "
        "See docs/api.md and docs/webhooks.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's files from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Requests described apart from responses: what a body must hold (required fields,
    # no blank text where none is taken), not what an answer holds.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "microcred.api.schema.add_common_errors",
        "microcred.api.schema.close_request_bodies",
    ],
    # Several models have a Status: each its own enum, named after its model.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "microcred.plans.models.Plan.Status",
        "ExportStatusEnum": "microcred.reports.models.ReportExport.Status",
        "ExportFormatEnum": "microcred.reports.models.ReportExport.Format",
        "TemplateVersionStatusEnum": "microcred.questionnaires.models.TemplateVersion.Status",
    },
}
