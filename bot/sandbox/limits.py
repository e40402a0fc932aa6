"""What Slack accepts: required arguments from the Web API spec, and Block Kit limits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Slack's OpenAPI spec sits in ../shared next to the project's checkouts (the tests read it);
# a user's clone has no ../shared, and the sandbox then reads the table packaged with it.
SPEC_PATH = Path(__file__).parents[3] / "shared/slack/web-api-openapi-v2.json"
PACKAGED_PATH = Path(__file__).parent / "data/web_api.json"

# Slack: "You can include up to 50 blocks in each message" (Block Kit reference).
MAX_MESSAGE_BLOCKS = 50
# Slack: "up to 100 blocks in modals or Home tabs" (Block Kit reference).
MAX_VIEW_BLOCKS = 100
# Slack answers msg_blocks_too_long past about 12-13k characters of serialised blocks
# (measured, see ARCHITECTURE.md); 12,000 is the floor of that range.
MAX_MESSAGE_BLOCKS_CHARS = 12_000
# chat.postMessage: "The text field is truncated at 40,000 characters" (msg_too_long past it).
MAX_TEXT_CHARS = 40_000
# View object reference: a modal title holds at most 24 characters.
MAX_MODAL_TITLE_CHARS = 24

# Arguments that hold JSON: objects in a JSON body, JSON-encoded strings in a form body.
JSON_ARGS = ("blocks", "view", "attachments", "metadata")

# Slack enforces these although the 2020 spec doesn't declare them, or lacks the method.
EXTRA_REQUIRED: dict[str, frozenset[str]] = {
    "apps.connections.open": frozenset(),
    "views.update": frozenset({"view"}),
    "chat.scheduleMessage": frozenset({"channel", "post_at"}),
    "conversations.info": frozenset({"channel"}),
    "users.info": frozenset({"user"}),
}
# These refuse a message with none of text/blocks/attachments: `no_text` in the spec's errors.
NEEDS_CONTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})
CONTENT_ARGS = ("text", "blocks", "attachments")


@dataclass(frozen=True)
class Rejection:
    """An `ok: false` answer: Slack's error code plus the details it lists."""

    error: str
    errors: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The JSON body Slack sends for this rejection."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.error == "invalid_arguments":
            body["response_metadata"] = {"messages": self.errors}
        elif self.errors:
            body["errors"] = self.errors
            body["response_metadata"] = {"messages": [f"[ERROR] {e}" for e in self.errors]}
        return body


def load_required_args(spec_path: Path = SPEC_PATH) -> dict[str, frozenset[str]]:
    """Known methods and their required arguments, read from the OpenAPI spec if present."""
    if not spec_path.exists():
        return packaged_required_args()
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    required: dict[str, frozenset[str]] = {}
    for path, operations in spec["paths"].items():
        names: set[str] = set()
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                # The spec models the token as a required header: slack_sdk sends it as Bearer.
                if parameter.get("required") and parameter["name"] != "token":
                    names.add(parameter["name"])
        required[path.lstrip("/")] = frozenset(names)
    for method, extra in EXTRA_REQUIRED.items():
        required[method] = required.get(method, frozenset()) | extra
    return required


def packaged_required_args() -> dict[str, frozenset[str]]:
    """The methods the bot and the sandbox call, with their required arguments (package data)."""
    table = json.loads(PACKAGED_PATH.read_text(encoding="utf-8"))["required"]
    return {method: frozenset(names) for method, names in table.items()}


def packaged_answers() -> dict[str, dict[str, Any]]:
    """A minimal success body per method (package data), for when Slack's samples are absent."""
    answers: dict[str, dict[str, Any]] = json.loads(PACKAGED_PATH.read_text("utf-8"))["answers"]
    return answers


def decode_json_args(args: dict[str, Any]) -> Rejection | None:
    """Turn JSON-encoded form values into objects, in place."""
    for name in JSON_ARGS:
        value = args.get(name)
        if not isinstance(value, str):
            continue
        try:
            args[name] = json.loads(value)
        except json.JSONDecodeError:
            error = "invalid_blocks_format" if name == "blocks" else "invalid_arguments"
            return Rejection(error, [f"[ERROR] {name} is not valid JSON"])
    return None


def check_arguments(
    method: str, args: dict[str, Any], required: frozenset[str]
) -> Rejection | None:
    """Refuse a call that lacks a required argument or any message content."""
    missing = sorted(name for name in required if args.get(name) in (None, ""))
    if missing:
        return Rejection(
            "invalid_arguments", [f"[ERROR] missing required field: {name}" for name in missing]
        )
    if method in NEEDS_CONTENT and all(args.get(name) in (None, "", []) for name in CONTENT_ARGS):
        return Rejection("no_text")
    return None


def check_message(payload: dict[str, Any]) -> Rejection | None:
    """Apply Slack's message limits to a chat.* call or a response_url post."""
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return Rejection("msg_too_long")
    blocks = payload.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return Rejection("invalid_blocks", ["blocks must be an array [json-pointer:/blocks]"])
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        return Rejection(
            "invalid_blocks",
            [f"no more than {MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]"],
        )
    errors = block_errors(blocks, "/blocks")
    if errors:
        return Rejection("invalid_blocks", errors)
    if (
        len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))
        > MAX_MESSAGE_BLOCKS_CHARS
    ):
        return Rejection("msg_blocks_too_long")
    return None


def check_view(view: Any) -> Rejection | None:
    """Apply Slack's view limits (modal or Home tab) and slack_sdk's own validators."""
    if not isinstance(view, dict):
        return Rejection("invalid_arguments", ["[ERROR] view must be an object"])
    errors = _view_shape_errors(view)
    blocks = view.get("blocks", [])
    if isinstance(blocks, list):
        errors += block_errors(blocks, "/view/blocks")
    if errors:
        return Rejection("invalid_blocks", errors)
    try:
        parsed = View(**view)
        parsed.validate_json()
        parsed.to_dict()  # validates nested objects, which validate_json() does not
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError) as exc:
        return Rejection("invalid_blocks", [f"{exc} [json-pointer:/view]"])
    return None


def _view_shape_errors(view: dict[str, Any]) -> list[str]:
    blocks = view.get("blocks", [])
    if not isinstance(blocks, list):
        return ["blocks must be an array [json-pointer:/view/blocks]"]
    errors: list[str] = []
    if len(blocks) > MAX_VIEW_BLOCKS:
        errors.append(f"no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]")
    if view.get("type") == "modal":
        title = view.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if not isinstance(text, str) or not text:
            errors.append("a modal needs a title [json-pointer:/view/title]")
        elif len(text) > MAX_MODAL_TITLE_CHARS:
            errors.append(
                f"must be less than {MAX_MODAL_TITLE_CHARS + 1} characters "
                "[json-pointer:/view/title/text]"
            )
    return errors


def block_errors(blocks: list[Any], pointer: str) -> list[str]:
    """Parse and validate each block with slack_sdk's models; one message per bad block.

    Slack also refuses two blocks with the same block_id in one message or view.
    """
    errors: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(blocks):
        where = f"[json-pointer:{pointer}/{index}]"
        if not isinstance(raw, dict):
            errors.append(f"a block must be an object {where}")
            continue
        block_id = raw.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen:
                errors.append(f"duplicate block_id {block_id!r} {where}")
            seen.add(block_id)
        try:
            block = Block.parse(raw)
            if block is None:
                errors.append(f"unsupported type: {raw.get('type')!r} {where}")
                continue
            block.validate_json()
            block.to_dict()  # validates nested elements and text objects too
        except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as exc:
            errors.append(f"{exc} {where}")
    return errors
