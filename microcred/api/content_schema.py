"""The plan file's JSON Schema (transfer/schemas/plan-v1.schema.json, JSON Schema draft
2020-12) as OpenAPI 3.0 schema objects, for the content endpoint's description: converted
from the one file when the OpenAPI schema is made, never copied by hand.

OpenAPI 3.0 takes a subset of JSON Schema, so the conversion:

- makes each of the file's `$defs` a component named `PlanFile<Name>` (`PlanFile` for the
  document itself), its `$ref`s pointing there;
- writes `const` as a one-value `enum`, `true` as `{}`, a type that may be null as
  `nullable`, and several types as `anyOf` (each with the keywords that concern it);
- drops what 3.0 cannot say and the content never needs checking for: `$schema`, `$id`,
  `propertyNames`;
- turns the one use of `if`/`then` (an answer's value follows its `kind`) into a `oneOf`
  of one component per kind (`PlanFileAnswerShortText`...) with a discriminator; any other
  `if` is refused (ValueError), so a change of the file that the conversion does not
  understand fails its test rather than the description.
"""

import copy
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from microcred.transfer.plan_json import plan_schema

PREFIX = "PlanFile"
DEFS = "#/$defs/"
DROPPED = {"$schema", "$id", "$defs", "$comment", "propertyNames"}
# The keywords that apply to values of each type, for a schema of several types.
KEYWORDS_OF_TYPE = {
    "string": {"maxLength", "minLength", "pattern", "format"},
    "array": {"items", "maxItems", "minItems"},
    "object": {"properties", "required", "additionalProperties", "maxProperties"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "boolean": set(),
}
TYPED = set().union(*KEYWORDS_OF_TYPE.values())


def component_name(definition: str) -> str:
    return PREFIX + "".join(part.capitalize() for part in definition.split("_"))


def openapi_schema(node: Any, *, variants: dict[str, dict] | None = None, name: str = "") -> Any:
    """One JSON Schema (2020-12) schema as an OpenAPI 3.0 schema object. A definition
    (component `name`) that is an object discriminated by if/then puts its variants in
    `variants`, as components of their own."""
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    if "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith(DEFS):
            raise ValueError(f"Only references to $defs convert: {reference}")
        return {"$ref": f"#/components/schemas/{component_name(reference[len(DEFS) :])}"}
    if any("if" in branch for branch in node.get("allOf", [])):
        if variants is None:
            raise ValueError("An if/then converts only in an object of $defs.")
        return _one_of_by_discriminator(node, name=name, variants=variants)
    converted: dict[str, Any] = {}
    for keyword, value in node.items():
        if keyword in DROPPED:
            continue
        if keyword == "const":
            converted["enum"] = [value]
        elif keyword == "properties":
            converted[keyword] = {prop: openapi_schema(sub) for prop, sub in value.items()}
        elif keyword in ("items", "additionalProperties") and not isinstance(value, bool):
            converted[keyword] = openapi_schema(value)
        elif keyword in ("allOf", "anyOf", "oneOf"):
            converted[keyword] = [openapi_schema(sub) for sub in value]
        elif keyword in ("if", "then", "else"):
            raise ValueError("An if/then outside the allOf of a discriminated object.")
        else:
            converted[keyword] = value
    if isinstance(converted.get("type"), list):
        return _several_types(converted)
    return converted


def _several_types(schema: dict[str, Any]) -> dict[str, Any]:
    types = [name for name in schema["type"] if name != "null"]
    nullable = len(types) < len(schema["type"])
    if len(types) == 1:
        return {**schema, "type": types[0], **({"nullable": True} if nullable else {})}
    shared = {key: value for key, value in schema.items() if key not in TYPED and key != "type"}
    branches = [
        {
            "type": name,
            **{key: value for key, value in schema.items() if key in KEYWORDS_OF_TYPE[name]},
        }
        for name in types
    ]
    if nullable:
        # 3.0's nullable works only beside a type: the first branch takes null.
        branches[0]["nullable"] = True
    return {**shared, "anyOf": branches}


def _one_of_by_discriminator(
    node: dict[str, Any], *, name: str, variants: dict[str, dict]
) -> dict[str, Any]:
    """An object whose allOf holds only `if {<property>: const K} then {...}`, as a
    `oneOf` of one component per K (`<name><K>`), with a discriminator: what OpenAPI 3.0
    can say of it."""
    base = openapi_schema({key: value for key, value in node.items() if key != "allOf"})
    mapping = {}
    discriminator = ""
    for branch in node["allOf"]:
        if set(branch) != {"if", "then"}:
            raise ValueError("Only allOf branches of if/then convert.")
        [(discriminator, condition)] = branch["if"]["properties"].items()
        if set(condition) != {"const"}:
            raise ValueError("Only an if on one property's const converts.")
        variant = copy.deepcopy(base)
        variant["properties"][discriminator] = {"type": "string", "enum": [condition["const"]]}
        for prop, sub in branch["then"].get("properties", {}).items():
            variant["properties"][prop] = openapi_schema(sub)
        variant_name = name + component_name(condition["const"]).removeprefix(PREFIX)
        variants[variant_name] = variant
        mapping[condition["const"]] = f"#/components/schemas/{variant_name}"
    described = {"description": base["description"]} if "description" in base else {}
    return {
        "oneOf": [{"$ref": reference} for reference in mapping.values()],
        "discriminator": {"propertyName": discriminator, "mapping": mapping},
        **described,
    }


def plan_file_components() -> dict[str, dict]:
    """The plan file's schema as OpenAPI 3.0 components by name: the document's
    (`PlanFile`), each of its definitions', and their variants."""
    schema = plan_schema()
    components: dict[str, dict] = {}
    for definition_name, definition in schema["$defs"].items():
        name = component_name(definition_name)
        components[name] = openapi_schema(definition, variants=components, name=name)
    components[PREFIX] = openapi_schema(schema)
    return components


class PlanFileSerializer(serializers.Serializer):
    """Stands for the plan file in the OpenAPI description: PlanFileSchema describes it,
    from the file's JSON Schema. Never used to serialize (plan_document makes the body)."""


class PlanFileSchema(OpenApiSerializerExtension):
    target_class = PlanFileSerializer

    def get_name(self, auto_schema, direction):
        return PREFIX

    def map_serializer(self, auto_schema, direction):
        components = plan_file_components()
        for name, schema in components.items():
            if name != PREFIX:
                auto_schema.registry.register_on_missing(
                    ResolvedComponent(
                        name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
                    )
                )
        return components[PREFIX]
