"""The OpenAPI 3.1 document of the ingest API: request schema from the canonical fields,
response schemas generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from bot.http.ingest.models import RESPONSE_MODELS
from bot.services.ingest import MAX_BATCH
from bot.services.ingest.order_fields import REQUIRED_FIELDS, TEXT_LIMITS
from storage.orders.tables import OrderStatus

# A batch of 1,000 orders at about 1 KiB each is 1 MiB; 8 MiB leaves room for long product
# descriptions while refusing abuse before any parsing (Slack's endpoint keeps its 1 MiB cap).
MAX_BODY_BYTES = 8 << 20
MAX_PAGE = 1000
DEFAULT_PAGE = 100
_REF = "#/components/schemas/{model}"
_DATE = "a date: 2026-11-20 (also 20-Nov-26, Nov 20, 2026, 11/20/2026 month first)"
_DATETIME = "a date-time: 2026-11-02T14:30:00Z; without an offset it is read in BACKLOG_TIMEZONE"
_STATUSES = ", ".join(s.value for s in OrderStatus)
_FIELDS: dict[str, dict[str, Any]] = {
    "order_id": {
        "type": ["string", "integer"],
        "description": "the order's id in your system",
        "examples": ["SO-1001", "PO/2026/7", 4711],
    },
    "customer": {"type": "string"},
    "ordered_at": {"type": "string", "format": "date-time", "description": _DATETIME},
    "promised_date": {"type": "string", "format": "date", "description": _DATE},
    "customer_email": {"type": "string", "format": "email", "maxLength": 255},
    "owner": {
        "type": "string",
        "description": "a Slack user id or an email",
        "examples": ["U0123ABCD", "rep@example.com"],
    },
    "team": {"type": "string"},
    "sku": {"type": "string"},
    "product": {"type": "string"},
    "supplier": {"type": "string"},
    "quantity": {"type": ["number", "string"], "description": "at least 0, up to 3 decimals"},
    "value": {"type": ["number", "string"], "description": "at least 0, up to 2 decimals"},
    "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$", "description": "ISO 4217"},
    "status": {
        "type": "string",
        "description": f"one of {_STATUSES}, or a common synonym (shipped, on hold, void, …)",
        "examples": [*(s.value for s in OrderStatus), "shipped", "on hold"],
    },
    "eta": {"type": "string", "format": "date", "description": _DATE},
    "updated_at": {
        "type": "string",
        "format": "date-time",
        "description": f"when your system last changed the order; an older one is skipped. "
        f"{_DATETIME}",
    },
}


def order_in_schema() -> dict[str, Any]:
    """One pushed order: the canonical fields; optional ones may be null (null changes nothing)."""
    return {
        "type": "object",
        "properties": _properties(REQUIRED_FIELDS),
        "required": list(REQUIRED_FIELDS),
        "additionalProperties": False,
    }


def order_patch_schema() -> dict[str, Any]:
    """A partial change: any canonical fields, none required; order_id, if sent, is the URL's."""
    properties = _properties(())
    properties["order_id"] = properties["order_id"] | {
        "description": "optional; if sent, it must be the order id of the URL (ids never change)"
    }
    return {
        "type": "object",
        "properties": properties,
        "minProperties": 1,
        "additionalProperties": False,
    }


def _properties(required: tuple[str, ...]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, schema in _FIELDS.items():
        limit = TEXT_LIMITS.get(name)
        described = {**schema, **({"maxLength": limit} if limit else {})}
        if name in required:
            properties[name] = described | ({"minLength": 1} if schema["type"] == "string" else {})
        else:
            kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            properties[name] = described | {"type": [*kinds, "null"]}
    return properties


def build_openapi() -> dict[str, Any]:
    """The document served at /api/openapi.json."""
    _, defs = models_json_schema(
        [(model, "serialization") for model in RESPONSE_MODELS], ref_template=_REF
    )
    schemas = {**defs["$defs"], "OrderIn": order_in_schema(), "OrderPatch": order_patch_schema()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Backlog Bot ingest API",
            "version": "1",
            "description": "Push orders (one or a batch), change one in part, read them back, "
            "list lagging ones.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/orders": {"post": _post_orders(), "get": _list_orders()},
            "/api/orders/{order_id}": {"get": _get_order(), "patch": _patch_order()},
        },
    }


def _post_orders() -> dict[str, Any]:
    batch = {"type": "array", "items": _ref("OrderIn"), "minItems": 1, "maxItems": MAX_BATCH}
    return {
        "operationId": "upsertOrders",
        "summary": f"Create or update one order (an object) or up to {MAX_BATCH:,} (an array)",
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "a retried POST with the same key and body gets the first answer",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"oneOf": [_ref("OrderIn"), batch]}}},
        },
        "responses": {
            "200": _json("every item landed", "BatchOut"),
            "207": _json("some items landed, the rest were rejected (see items)", "BatchOut"),
            "400": _json("the body is not JSON, or the Idempotency-Key is malformed", "ErrorOut"),
            **_auth_responses(),
            "413": _json(f"the body is over {MAX_BODY_BYTES >> 20} MiB", "ErrorOut"),
            "415": _json("the body is not application/json", "ErrorOut"),
            "422": {
                "description": "nothing landed: every item was rejected (BatchOut), or the "
                "body is no order or batch, or the key was used for another body (ErrorOut)",
                "content": {
                    "application/json": {"schema": {"anyOf": [_ref("BatchOut"), _ref("ErrorOut")]}}
                },
            },
        },
    }


def _list_orders() -> dict[str, Any]:
    return {
        "operationId": "listOrders",
        "summary": "Orders by order id, optionally by status and lagging, a page at a time",
        "parameters": [
            _query("status", {"type": "string"}, f"comma-separated statuses: {_STATUSES}"),
            _query(
                "lagging",
                {"type": "string", "enum": ["true", "false"]},
                "true: only orders the lag rules flag; false: only the others",
            ),
            _query(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
                "page size; a lagging page may be shorter and still have a next page",
            ),
            _query("cursor", {"type": "string"}, "next_cursor of the previous page"),
        ],
        "responses": {
            "200": _json("one page", "OrderListOut"),
            **_auth_responses(),
            "422": _json("a query parameter cannot be read", "ErrorOut"),
        },
    }


_ORDER_ID_PATH = {
    "name": "order_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}


def _get_order() -> dict[str, Any]:
    return {
        "operationId": "getOrder",
        "summary": "One order",
        "parameters": [_ORDER_ID_PATH],
        "responses": {
            "200": _json("the order", "OrderOut"),
            **_auth_responses(),
            "404": _json("no order has this id", "ErrorOut"),
        },
    }


def _patch_order() -> dict[str, Any]:
    return {
        "operationId": "patchOrder",
        "summary": "Change some fields of one order (close it with its status, move its ETA)",
        "description": 'The rules of a POST: null or "" changes nothing, an older updated_at '
        "is skipped (outcome `stale`), every change is an event (source api). Repeating a "
        "PATCH changes nothing the second time, so it takes no Idempotency-Key.",
        "parameters": [_ORDER_ID_PATH],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref("OrderPatch")}},
        },
        "responses": {
            "200": _json("the change was applied (or changed nothing)", "PatchOut"),
            "400": _json("the body is not JSON", "ErrorOut"),
            **_auth_responses(),
            "404": _json("no order has this id", "ErrorOut"),
            "413": _json(f"the body is over {MAX_BODY_BYTES >> 20} MiB", "ErrorOut"),
            "415": _json("the body is not application/json", "ErrorOut"),
            "422": _json("a field cannot be read (`problems` names each one and why)", "ErrorOut"),
        },
    }


def _auth_responses() -> dict[str, Any]:
    return {
        "401": _json("no bearer token, or not BACKLOG_API_TOKEN", "ErrorOut"),
        "503": _json("the API is off: BACKLOG_API_TOKEN is not set", "ErrorOut"),
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _json(description: str, model: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _ref(model: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=model)}
