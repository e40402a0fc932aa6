"""Block Kit blocks as HTML, laid out like the Slack client lays them out."""

from __future__ import annotations

import html
from typing import Any

from bot.sandbox.render.elements import Text, element
from bot.sandbox.render.mrkdwn import plain


def blocks_html(
    blocks: list[dict[str, Any]], text: Text, errors: dict[str, str] | None = None
) -> str:
    """Every block in order; `errors` (block_id -> message) go under their input."""
    return "".join(block_html(block, text, errors or {}) for block in blocks)


def block_html(block: dict[str, Any], text: Text, errors: dict[str, str]) -> str:
    """One block, wrapped in a div carrying its block_id (the script reads it)."""
    kind = str(block.get("type", ""))
    block_id = html.escape(str(block.get("block_id", "")), quote=True)
    inner = _inner(kind, block, text, errors.get(str(block.get("block_id", ""))))
    return f'<div class="block {kind}" data-block-id="{block_id}">{inner}</div>'


def _inner(kind: str, block: dict[str, Any], text: Text, error: str | None) -> str:
    if kind == "section":
        return _section(block, text)
    if kind == "actions":
        return "".join(element(el, text) for el in block.get("elements") or [])
    if kind == "context":
        return "".join(
            element(el, text) if el.get("type") == "image" else f"<span>{text(el)}</span>"
            for el in block.get("elements") or []
        )
    if kind == "divider":
        return "<hr>"
    if kind == "header":
        return f"<h3>{text(block.get('text'))}</h3>"
    if kind == "image":
        title = f"<div>{text(block.get('title'))}</div>" if block.get("title") else ""
        return title + element({**block, "type": "image"}, text)
    if kind == "input":
        return _input(block, text, error)
    if kind == "rich_text":
        return _rich_text(block)
    return f'<span class="unknown">[{html.escape(kind)} block]</span>'


def _section(block: dict[str, Any], text: Text) -> str:
    body = f'<div class="text">{text(block.get("text"))}</div>' if block.get("text") else ""
    fields = block.get("fields") or []
    if fields:
        cells = "".join(f'<div class="field">{text(f)}</div>' for f in fields)
        body += f'<div class="fields">{cells}</div>'
    accessory = block.get("accessory")
    side = f'<div class="accessory">{element(accessory, text)}</div>' if accessory else ""
    return f'<div class="section-body">{body}</div>{side}'


def _input(block: dict[str, Any], text: Text, error: str | None) -> str:
    optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
    label = f"<label>{text(block.get('label'))}{optional}</label>"
    control = element(block.get("element") or {}, text, dispatch=bool(block.get("dispatch_action")))
    hint = f'<div class="hint">{text(block.get("hint"))}</div>' if block.get("hint") else ""
    shown = f'<div class="field-error">{plain(error)}</div>' if error else ""
    return label + control + hint + shown


def _rich_text(block: dict[str, Any]) -> str:
    parts: list[str] = []
    for section in block.get("elements") or []:
        words = "".join(
            plain(str(piece.get("text") or piece.get("name") or piece.get("url") or ""))
            for piece in section.get("elements") or []
        )
        parts.append(f"<div>{words}</div>")
    return "".join(parts)
