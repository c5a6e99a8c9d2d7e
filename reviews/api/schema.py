"""OpenAPI post-processing: say in the schema what the serializers enforce beyond types."""

from __future__ import annotations

from typing import Any

# Operations that cannot do anything without a body.
BODY_REQUIRED = frozenset({"sources_create", "claims_create", "webhooks_create", "keys_create"})
# DRF's CharField refuses NUL characters (PostgreSQL cannot store them); the schema says so.
NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(node: Any) -> None:
    if isinstance(node, dict):
        if (
            node.get("type") == "string"
            and "format" not in node
            and "enum" not in node
            and "pattern" not in node
        ):
            node["pattern"] = NO_NUL
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for item in node:
            _forbid_nul(item)


def postprocess_string_patterns(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook for the request bodies and parameters."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") or name.endswith("Input"):
            _forbid_nul(component)
            if component.get("type") == "object" and "properties" in component:
                component["additionalProperties"] = False  # unknown fields are refused (400)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if operation.get("operationId") in BODY_REQUIRED and "requestBody" in operation:
                operation["requestBody"]["required"] = True
            for parameter in operation.get("parameters", []):
                _forbid_nul(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _forbid_nul(media.get("schema"))
    return result
