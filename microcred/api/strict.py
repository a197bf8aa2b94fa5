"""Request bodies taken as the schema describes them, and nothing else: DRF's fields would
take "yes" or 1 for a boolean, 3 for a text and ignore a misspelt key; here each is a 400
saying so (and the schema says `additionalProperties: false`, schema.close_request_bodies)."""

from collections.abc import Mapping

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field."
# The largest number a request may give for a revision, position or version: what a
# database integer holds (a larger one would be a database error, not a 400).
INTEGER_MAX = 2**31 - 1

# A field's class, and the JSON types (Python's, as parsed) its values must have.
JSON_TYPES: list[tuple[type, tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "a whole number"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.ListField, (list,), "a list"),
    (serializers.ListSerializer, (list,), "a list"),
    (serializers.ManyRelatedField, (list,), "a list"),
    (serializers.DictField, (dict,), "an object"),
    (serializers.Serializer, (dict,), "an object"),
    (serializers.JSONField, (object,), ""),
    # As the schema describes a decimal: a string, so that no digit is lost to a float.
    (serializers.DecimalField, (str,), 'a number in a string, such as "8.00"'),
    (serializers.CharField, (str,), "a text"),
    (serializers.DateTimeField, (str,), "a date and time (ISO 8601)"),
    (serializers.DateField, (str,), "a date (YYYY-MM-DD)"),
]


def type_problem(field: serializers.Field, value: object) -> str:
    """Why `value` is of the wrong JSON type for `field` ("" when it is not)."""
    if value is None:
        return "" if field.allow_null else "This field may not be null."
    if isinstance(field, serializers.ChoiceField):
        return ""  # no value of another type is one of its choices: its own message says so
    matched = next(((t, k) for cls, t, k in JSON_TYPES if isinstance(field, cls)), None)
    if matched is None:
        return ""
    wanted, kind = matched
    # bool is an int in Python, never a number in JSON.
    if isinstance(value, bool) and bool not in wanted and object not in wanted:
        return f"Should be {kind}."
    if not isinstance(value, wanted):
        return f"Should be {kind}."
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return next(filter(None, (type_problem(field.child, item) for item in value)), "")
    return ""


class StrictSerializer(serializers.Serializer):
    """A request body: keys it does not know, and values of another JSON type than their
    field's, are refused with a message each (nested strict serializers alike)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            problems = {}
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None or field.read_only:
                    problems[str(name)] = [UNKNOWN_FIELD]
                elif problem := type_problem(field, value):
                    problems[str(name)] = [problem]
            if problems:
                raise serializers.ValidationError(problems)
        return super().to_internal_value(data)
