"""Block Kit interactive elements as HTML controls the page's script turns into actions."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.people import CHANNELS, PEOPLE
from bot.sandbox.render.mrkdwn import mrkdwn, plain

Text = Callable[[dict[str, Any] | None], str]


def attr(value: Any) -> str:
    """A JSON value as an HTML attribute value."""
    return html.escape(json.dumps(value, ensure_ascii=False), quote=True)


def text_of(people: Mapping[str, str], channels: Callable[[str], str]) -> Text:
    """Renders a text object (plain_text or mrkdwn)."""

    def render(obj: dict[str, Any] | None) -> str:
        if not obj:
            return ""
        if obj.get("type") == "mrkdwn":
            return mrkdwn(str(obj.get("text", "")), people, channels)
        return plain(str(obj.get("text", "")))

    return render


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of an element, groups flattened."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def element(el: dict[str, Any], text: Text, *, dispatch: bool = False) -> str:
    """One element; its `data-el` carries what the script needs to build Slack's action."""
    kind = str(el.get("type", ""))
    kept = ("type", "action_id", "confirm", "url", "value")
    data: dict[str, Any] = {k: el[k] for k in kept if k in el}
    data["options"] = options_of(el)
    data["text"] = el.get("text")
    common = f'data-el="{attr(data)}"' + (' data-dispatch="1"' if dispatch else "")
    render = _RENDERERS.get(kind)
    if render is None:
        return f'<span class="unknown">[{html.escape(kind)}]</span>'
    return render(el, text, common)


def _button(el: dict[str, Any], text: Text, common: str) -> str:
    style = el.get("style", "")
    return f'<button type="button" class="el btn {style}" {common}>{text(el.get("text"))}</button>'


def _overflow(el: dict[str, Any], text: Text, common: str) -> str:
    items = "".join(
        f'<button type="button" class="menu-item" data-index="{i}">{text(o.get("text"))}</button>'
        for i, o in enumerate(options_of(el))
    )
    return (
        f'<span class="overflow"><button type="button" class="el btn overflow-toggle" {common}'
        f' title="More actions">⋯</button><span class="menu" hidden>{items}</span></span>'
    )


def _select(el: dict[str, Any], text: Text, common: str) -> str:
    multiple = el.get("type", "").startswith("multi_")
    chosen = [o.get("value") for o in el.get("initial_options") or []]
    if el.get("initial_option"):
        chosen.append(el["initial_option"].get("value"))
    placeholder = _placeholder(el, "Select an item")

    def option(index: int, o: dict[str, Any]) -> str:
        selected = " selected" if o.get("value") in chosen else ""
        label = html.escape(str((o.get("text") or {}).get("text", "")))
        return f'<option value="{index}"{selected}>{label}</option>'

    body, index = "" if multiple else f'<option value="">{placeholder}</option>', 0
    for o in el.get("options") or []:
        body, index = body + option(index, o), index + 1
    for group in el.get("option_groups") or []:
        label = html.escape(str((group.get("label") or {}).get("text", "")))
        inner = ""
        for o in group.get("options") or []:
            inner, index = inner + option(index, o), index + 1
        body += f'<optgroup label="{label}">{inner}</optgroup>'
    many = " multiple" if multiple else ""
    return f'<select class="el select" {common}{many}>{body}</select>'


def _external(el: dict[str, Any], text: Text, common: str) -> str:
    initial = el.get("initial_option")
    shown = html.escape(str(((initial or {}).get("text") or {}).get("text", "")), quote=True)
    chosen = f' data-selected="{attr(initial)}"' if initial else ""
    return (
        f'<span class="external"><input type="text" class="el external-input" {common}{chosen}'
        f' value="{shown}" placeholder="{_placeholder(el, "Type to search")}" autocomplete="off">'
        '<span class="suggestions" hidden></span></span>'
    )


def _pick(choices: list[tuple[str, str]], el: dict[str, Any], common: str, initial: Any) -> str:
    multiple = el.get("type", "").startswith("multi_")
    chosen = set(initial if isinstance(initial, list) else [initial])
    body = "" if multiple else f'<option value="">{_placeholder(el, "Select")}</option>'
    for value, label in choices:
        selected = " selected" if value in chosen else ""
        body += f'<option value="{value}"{selected}>{html.escape(label)}</option>'
    many = " multiple" if multiple else ""
    return f'<select class="el select" {common}{many}>{body}</select>'


def _users(el: dict[str, Any], _text: Text, common: str) -> str:
    initial = el.get("initial_user") or el.get("initial_users")
    return _pick([(p.user_id, p.name) for p in PEOPLE], el, common, initial)


def _channels(el: dict[str, Any], _text: Text, common: str) -> str:
    initial = (
        el.get("initial_conversation")
        or el.get("initial_channel")
        or el.get("initial_conversations")
        or el.get("initial_channels")
    )
    return _pick([(c.channel_id, f"#{c.name}") for c in CHANNELS], el, common, initial)


def _date(el: dict[str, Any], _text: Text, common: str) -> str:
    value = html.escape(str(el.get("initial_date") or ""), quote=True)
    return f'<input type="date" class="el" {common} value="{value}">'


def _time(el: dict[str, Any], _text: Text, common: str) -> str:
    value = html.escape(str(el.get("initial_time") or ""), quote=True)
    return f'<input type="time" class="el" {common} value="{value}">'


def _choices(el: dict[str, Any], text: Text, common: str) -> str:
    kind = "checkbox" if el.get("type") == "checkboxes" else "radio"
    initial = el.get("initial_options") or (
        [el["initial_option"]] if "initial_option" in el else []
    )
    chosen = {o.get("value") for o in initial}
    name = html.escape(str(el.get("action_id", "")), quote=True)
    rows = ""
    for i, o in enumerate(options_of(el)):
        checked = " checked" if o.get("value") in chosen else ""
        described = f'<span class="hint">{text(o.get("description"))}</span>' * bool(
            o.get("description")
        )
        rows += (
            f'<label class="choice"><input type="{kind}" name="{name}" value="{i}"{checked}>'
            f" {text(o.get('text'))}{described}</label>"
        )
    return f'<div class="el choices" {common}>{rows}</div>'


def _text_input(el: dict[str, Any], _text: Text, common: str) -> str:
    value = html.escape(str(el.get("initial_value") or ""), quote=True)
    limit = f' maxlength="{int(el["max_length"])}"' if el.get("max_length") else ""
    placeholder = _placeholder(el, "")
    if el.get("multiline"):
        return (
            f'<textarea class="el" {common}{limit} rows="4" placeholder="{placeholder}">'
            f"{value}</textarea>"
        )
    kinds = {"number_input": "number", "email_text_input": "email", "url_text_input": "url"}
    kind = kinds.get(str(el.get("type")), "text")
    return (
        f'<input type="{kind}" class="el" {common}{limit} value="{value}"'
        f' placeholder="{placeholder}">'
    )


def _image(el: dict[str, Any], _text: Text, _common: str) -> str:
    url = html.escape(str(el.get("image_url", "")), quote=True)
    alt = html.escape(str(el.get("alt_text", "")), quote=True)
    return f'<img class="thumb" src="{url}" alt="{alt}">'


def _placeholder(el: dict[str, Any], default: str) -> str:
    return html.escape(str((el.get("placeholder") or {}).get("text", default)), quote=True)


_RENDERERS: dict[str, Callable[[dict[str, Any], Text, str], str]] = {
    "button": _button,
    "overflow": _overflow,
    "static_select": _select,
    "multi_static_select": _select,
    "external_select": _external,
    "multi_external_select": _external,
    "users_select": _users,
    "multi_users_select": _users,
    "conversations_select": _channels,
    "multi_conversations_select": _channels,
    "channels_select": _channels,
    "multi_channels_select": _channels,
    "datepicker": _date,
    "timepicker": _time,
    "checkboxes": _choices,
    "radio_buttons": _choices,
    "plain_text_input": _text_input,
    "number_input": _text_input,
    "email_text_input": _text_input,
    "url_text_input": _text_input,
    "image": _image,
}
