"""The sandbox page: sidebar, channel or Home pane, thread, modal; server-rendered HTML."""

from __future__ import annotations

import html
from typing import Any

from bot.sandbox.answers import BOT_USER_ID
from bot.sandbox.people import (
    BOT_NAME,
    CHANNELS,
    COMMAND,
    FEEDBACK_SHORTCUT,
    PEOPLE,
    USAGE_HINT,
    channel_name,
    dm_channel,
    names,
    person,
)
from bot.sandbox.render.blocks import blocks_html
from bot.sandbox.render.elements import attr, text_of
from bot.sandbox.render.mrkdwn import mrkdwn, plain
from bot.sandbox.workspace import Message, Workspace

HOME = "home"
_TEXT = text_of(names(), channel_name)


def page(workspace: Workspace, user: str, where: str, thread: str | None) -> str:
    """The whole page for `user` looking at `where` (a channel id, a DM or `home`)."""
    fragments = fragments_for(workspace, user, where, thread)
    data = f'data-user="{user}" data-where="{where}" data-thread="{thread or ""}"'
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Backlog Bot sandbox</title>"
        '<link rel="stylesheet" href="/sandbox/static/sandbox.css"></head>'
        f"<body {data}>"
        '<div class="banner">Sandbox: a local stand-in for Slack. Nothing here reaches Slack.'
        "</div>"
        f'<div class="app">{_sidebar(user, where)}'
        f'<main class="main"><div id="pane">{fragments["pane"]}</div>'
        f"{'' if where == HOME else _composer(where)}</main>"
        f'<aside id="thread">{fragments["thread"]}</aside></div>'
        f'<div id="modal">{fragments["modal"]}</div>'
        '<dialog id="confirm"></dialog>'
        '<script src="/sandbox/static/sandbox.js"></script></body></html>'
    )


def fragments_for(
    workspace: Workspace, user: str, where: str, thread: str | None
) -> dict[str, str]:
    """The parts the script redraws on each change."""
    pane = _home(workspace, user) if where == HOME else _channel(workspace, user, where)
    replies = _thread(workspace, user, where, thread) if thread and where != HOME else ""
    return {"pane": pane, "thread": replies, "modal": _modal(workspace, user)}


def _sidebar(user: str, where: str) -> str:
    chooser = "".join(
        f'<option value="{p.user_id}"{" selected" * (p.user_id == user)}>'
        f"{html.escape(p.name)} ({p.role})</option>"
        for p in PEOPLE
    )

    def link(target: str, label: str) -> str:
        current = " current" if target == where else ""
        return (
            f'<a class="nav{current}" data-where="{target}" href="/?as={user}&amp;in={target}">'
            f"{label}</a>"
        )

    channels = "".join(link(c.channel_id, f"# {html.escape(c.name)}") for c in CHANNELS)
    return (
        '<nav class="sidebar"><div class="workspace">Backlog Sandbox</div>'
        f'<label class="as">Acting as <select id="person">{chooser}</select></label>'
        f"<h4>Apps</h4>{link(HOME, BOT_NAME + ' · Home')}"
        f"<h4>Channels</h4>{channels}"
        f"<h4>Direct messages</h4>{link(dm_channel(user), BOT_NAME)}</nav>"
    )


def _channel(workspace: Workspace, user: str, channel: str) -> str:
    shown = workspace.channel_messages(channel, user)
    messages = "".join(_message(workspace, m, user) for m in shown)
    empty = '<div class="empty">No messages yet.</div>' if not shown else ""
    return (
        f'<header class="pane-head"><b>{plain(_title(channel))}</b></header>'
        f'<div class="messages" id="messages">{empty}{messages}</div>'
    )


def _composer(channel: str) -> str:
    placeholder = f"Message {_title(channel)} — or type {COMMAND}"
    return (
        '<form class="composer" id="composer" autocomplete="off">'
        f'<div class="usage" id="usage" hidden><b>{COMMAND}</b> {html.escape(USAGE_HINT)}</div>'
        f'<input id="compose" name="text" placeholder="{html.escape(placeholder)}">'
        "</form>"
    )


def _title(channel: str) -> str:
    name = channel_name(channel)
    return name if channel.startswith("D") else f"# {name}"


def _message(workspace: Workspace, message: Message, user: str, in_thread: bool = False) -> str:
    origin: dict[str, Any] = {"kind": "message", "channel": message.channel, "ts": message.ts}
    origin["ephemeral"] = message.only_for is not None
    author = BOT_NAME if message.user == BOT_USER_ID else person(message.user).name
    tag = ' <span class="app-tag">APP</span>' if message.user == BOT_USER_ID else ""
    classes = "message" + " ephemeral" * bool(message.only_for) + " refused" * bool(message.refusal)
    only = '<div class="only-you">Only visible to you</div>' if message.only_for else ""
    refusal = f'<div class="refusal">{plain(message.refusal)}</div>' if message.refusal else ""
    body = blocks_html(message.blocks, _TEXT) if message.blocks else _text(message.text)
    replies = "" if in_thread else _replies_link(workspace, message, user)
    initial = html.escape(author[:1])
    return (
        f'<div class="{classes}" data-origin="{attr(origin)}" data-ts="{message.ts}">'
        f'<div class="avatar">{initial}</div><div class="content">'
        f'<div class="meta"><b>{html.escape(author)}</b>{tag}</div>{only}{refusal}'
        f'<div class="body">{body}</div>{replies}</div>{_more_actions(message)}</div>'
    )


def _text(text: str) -> str:
    return f'<div class="text">{mrkdwn(text, names(), channel_name)}</div>'


def _replies_link(workspace: Workspace, message: Message, user: str) -> str:
    count = len(workspace.thread(message.channel, message.ts, user))
    if not count:
        return ""
    label = "1 reply" if count == 1 else f"{count} replies"
    return f'<button type="button" class="replies" data-thread="{message.ts}">{label}</button>'


def _more_actions(message: Message) -> str:
    if message.only_for or message.refusal:
        return ""
    callback, name = FEEDBACK_SHORTCUT
    return (
        '<span class="message-actions"><button type="button" class="more-actions"'
        ' title="More actions">⋮</button><span class="menu" hidden>'
        f'<button type="button" class="menu-item shortcut" data-callback="{callback}">'
        f"{name} <small>{BOT_NAME}</small></button></span></span>"
    )


def _thread(workspace: Workspace, user: str, channel: str, thread_ts: str) -> str:
    parent = workspace.find(channel, thread_ts)
    if parent is None:
        return ""
    replies = workspace.thread(channel, thread_ts, user)
    shown = "".join(_message(workspace, m, user, in_thread=True) for m in replies)
    return (
        '<header class="pane-head"><b>Thread</b> '
        '<button type="button" class="close-thread" title="Close">×</button></header>'
        f'<div class="messages">{_message(workspace, parent, user, in_thread=True)}'
        f'<div class="reply-count">{len(replies)} replies</div>{shown}</div>'
    )


def _home(workspace: Workspace, user: str) -> str:
    view = workspace.homes.get(user)
    notices = _notices(workspace, user)
    if view is None:
        body = '<div class="empty">Opening the Home tab…</div>'
    else:
        origin = {"kind": "view", "view_id": view["id"]}
        inner = blocks_html(view.get("blocks") or [], _TEXT)
        body = f'<div class="view home-view" data-origin="{attr(origin)}">{inner}</div>'
    return f'<header class="pane-head"><b>{BOT_NAME}</b> · Home</header>{notices}{body}'


def _modal(workspace: Workspace, user: str) -> str:
    view = workspace.top_view(user)
    notices = _notices(workspace, user)
    if view is None:
        return f'<div class="toasts">{notices}</div>' if notices else ""
    origin = {"kind": "view", "view_id": view["id"]}
    callback = html.escape(str(view.get("callback_id")), quote=True)
    errors = workspace.view_errors.get(view["id"], {})
    body = blocks_html(view.get("blocks") or [], _TEXT, errors)
    close = _TEXT(view.get("close")) or "Cancel"
    submit = _TEXT(view.get("submit"))
    submit_button = (
        f'<button type="button" class="btn primary submit-view">{submit}</button>' if submit else ""
    )
    depth = len(workspace.modals.get(user, []))
    back = '<span class="stack">‹ </span>' if depth > 1 else ""
    return (
        '<div class="overlay"><div class="modal view" role="dialog"'
        f' data-origin="{attr(origin)}" data-callback="{callback}">'
        f"<header>{back}<b>{_TEXT(view.get('title'))}</b>"
        '<button type="button" class="close-view" title="Close">×</button></header>'
        f'{notices}<div class="modal-body">{body}</div>'
        f'<footer><button type="button" class="btn cancel-view">{close}</button>{submit_button}'
        "</footer></div></div>"
    )


def _notices(workspace: Workspace, user: str) -> str:
    shown = workspace.notices.get(user, [])[-3:]
    if not shown:
        return ""
    dismiss = '<button type="button" class="btn dismiss">Dismiss</button>'
    return "".join(f'<div class="refusal">{plain(n)}</div>' for n in shown) + dismiss


def view_with_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The stored view as Slack echoes it in an interaction: with the state typed so far."""
    return {**view, "state": {"values": values}}
