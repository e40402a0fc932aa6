"""Hypothesis strategies read from the served OpenAPI document: schema-shaped and hostile data.

Covers the JSON Schema the document uses (types, $ref, oneOf/anyOf, enum, formats, lengths,
bounds, required and additional properties); `examples` are drawn often so that many
generated orders are valid and reach the database, not only the validators.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import strategies as st

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=()), max_size=12)  # NUL, lone surrogates too
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


class SchemaStrategies:
    """Builds strategies for the schemas of one OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._schemas: dict[str, Any] = document["components"]["schemas"]

    def valid(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Values the schema allows."""
        if "$ref" in schema:
            return self.valid(self._schemas[schema["$ref"].rsplit("/", 1)[-1]])
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return st.one_of([self.valid(option) for option in schema[key]])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kinds = schema.get("type", "string")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        typed = st.one_of([self._typed(kind, schema) for kind in kinds])
        examples = schema.get("examples")
        return st.sampled_from(examples) | typed if examples else typed

    def hostile(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Mostly valid values with one part replaced by arbitrary JSON, or arbitrary JSON."""
        return self.valid(schema) | ANY_JSON | self._one_field_broken(schema)

    def _one_field_broken(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        target = self._schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
        if target.get("type") != "object":
            return ANY_JSON
        fields = sorted(target["properties"])
        return st.tuples(self.valid(target), st.sampled_from(fields), ANY_JSON).map(
            lambda drawn: {**drawn[0], drawn[1]: drawn[2]}
        )

    def _typed(self, kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        if kind == "string":
            return _string(schema)
        if kind == "integer":
            return st.integers(schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            return st.integers(0, 10**6) | st.floats(0, 1e9, allow_nan=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            size = min(schema.get("maxItems", 5), 5)
            return st.lists(self.valid(schema["items"]), min_size=1, max_size=size)
        if kind == "object":
            return self._object(schema)
        raise AssertionError(f"schema type {kind!r} has no strategy")

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {name: self.valid(sub) for name, sub in properties.items() if name in required},
            optional={
                name: self.valid(sub) for name, sub in properties.items() if name not in required
            },
        )


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    fmt = schema.get("format")
    if fmt == "date":
        return st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    if fmt == "date-time":
        moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
        return moments.map(lambda moment: moment.isoformat().replace("+00:00", "Z"))
    if fmt == "email":
        return st.emails()
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    least, most = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
    return st.text(st.characters(exclude_categories=()), min_size=least, max_size=most)


def json_body(value: Any) -> bytes:
    """JSON with ASCII escapes, so that lone surrogates reach the server as such."""
    return json.dumps(value, ensure_ascii=True).encode()
