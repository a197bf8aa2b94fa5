"""What the OpenAPI schema says of our authentication (imported by ApiConfig.ready, for
drf-spectacular to find), and of the errors every operation may answer."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from .errors import INVALID


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "microcred.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (the scheme's name, not a secret)
        )


ERROR = {
    "type": "object",
    "description": "Every error of the API (errors.py).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words for people."},
        "errors": {
            "type": "object",
            "description": f"With “{INVALID}”: each refused field's messages.",
            "additionalProperties": {},
        },
    },
    "required": ["detail"],
}
# The errors any operation may answer, besides those its view describes.
COMMON_ERRORS = {
    "400": "The request's data or query is not valid; `errors` says how, field by field.",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "Not allowed: a read-only token writing, or a role that may not do this.",
    "404": "No such plan (or one you may not see), object or endpoint.",
    "429": "Too many requests; `Retry-After` says in how many seconds to try again.",
}


def add_common_errors(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every operation lists the errors in
    COMMON_ERRORS, in the one Error shape, so that a client (and the fuzzer) knows them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


def close_request_bodies(result, generator, request, public):
    """A drf-spectacular postprocessing hook: the objects a request body holds take no
    other keys than theirs (strict.StrictSerializer refuses them)."""
    schemas = result.get("components", {}).get("schemas", {})
    closed: set[str] = set()

    def close(schema: dict) -> None:
        reference = schema.get("$ref", "")
        if reference:
            name = reference.rsplit("/", 1)[-1]
            if name in closed or name not in schemas:
                return
            closed.add(name)
            schema = schemas[name]
        if schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False
        inners = [*schema.get("properties", {}).values(), *schema.get("allOf", [])]
        inners += schema.get("oneOf", [])
        if isinstance(schema.get("items"), dict):
            inners.append(schema["items"])
        for inner in inners:
            if isinstance(inner, dict):
                close(inner)

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for body in operation.get("requestBody", {}).get("content", {}).values():
                close(body.get("schema", {}))
    return result
