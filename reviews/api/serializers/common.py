"""What every resource's serializers share: strict input, and the problem document."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def _expected_type(field: serializers.Field[Any, Any, Any, Any]) -> tuple[type, ...] | None:
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return tuple(kinds) if kinds else None
    if isinstance(field, serializers.CharField | serializers.UUIDField):
        return (str,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.ListField):
        return (list,)
    if isinstance(field, serializers.Serializer):
        return (dict,)
    return None


class StrictInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Refuses values of the wrong JSON type instead of coercing them (0 is not "0", "3" not 3).

    What the schema says is what is accepted: DRF would otherwise turn numbers into strings and
    numeric strings into numbers.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField):
                # Whitespace-only text is a domain error (422, "cannot be empty"), not a
                # schema violation: the services strip and check it.
                field.trim_whitespace = False
        return fields

    # A body's unknown fields are refused: a misspelt field ("sourceId") would otherwise be
    # dropped silently and the request half-done. Query parameters set this to False.
    refuse_unknown_fields = True

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            if self.refuse_unknown_fields:
                known = ", ".join(sorted(self.fields)) or "no fields"
                for name in sorted(set(data) - set(self.fields), key=str):
                    errors[str(name)[:100]] = [f"unknown field; this request takes: {known}"]
            for name, field in self.fields.items():
                if field.read_only or name not in data or data[name] is None:
                    continue
                expected = _expected_type(field)
                value = data[name]
                if expected is None:
                    continue
                wrong = not isinstance(value, expected) or (
                    isinstance(value, bool) and bool not in expected
                )
                if wrong:
                    names = " or ".join(_JSON_NAMES.get(kind, kind.__name__) for kind in expected)
                    errors[name] = [f"must be a JSON {names}"]
            if errors:
                raise serializers.ValidationError(errors)
        return dict(super().to_internal_value(data))


_JSON_NAMES = {str: "string", int: "integer", list: "array", dict: "object"}


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as every error answers."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    instance = serializers.CharField(required=False)  # type: ignore[assignment]
    errors = serializers.JSONField(required=False)  # type: ignore[assignment]
    current_version = serializers.IntegerField(required=False)
    expected_version = serializers.IntegerField(required=False)
