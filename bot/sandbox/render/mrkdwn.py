"""Slack's mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, links,
mentions, channels and <!date^…> dates, the way the Slack client shows them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

# <...> tokens are Slack's own markup; everything else is text with &amp; &lt; &gt; escaped.
_TOKEN = re.compile(r"<([^<>]+)>")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
# Slack formats only at word edges: *a*b is not bold.
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
# The emoji codes the bot writes (a Slack client shows every code; unknown ones stay as typed).
EMOJI = {
    "warning": "⚠️", "white_check_mark": "✅", "tada": "🎉", "zzz": "💤", "rocket": "🚀",
    "large_green_circle": "🟢", "hourglass_flowing_sand": "⏳", "double_vertical_bar": "⏸️",
    "white_circle": "⚪", "speech_balloon": "💬", "red_circle": "🔴", "no_entry": "⛔",
    "new": "🆕", "grey_question": "❔", "eyes": "👀", "x": "❌", "memo": "📝",
}  # fmt: skip
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_DATE_FORMATS: dict[str, Callable[[datetime], str]] = {
    "date_num": lambda d: d.strftime("%Y-%m-%d"),
    "date": lambda d: d.strftime("%B %-d, %Y"),
    "date_short": lambda d: d.strftime("%b %-d, %Y"),
    "date_long": lambda d: d.strftime("%A, %B %-d, %Y"),
    "date_pretty": lambda d: d.strftime("%B %-d, %Y"),
    "date_short_pretty": lambda d: d.strftime("%b %-d, %Y"),
    "date_long_pretty": lambda d: d.strftime("%A, %B %-d, %Y"),
    "time": lambda d: d.strftime("%-I:%M %p"),
    "time_secs": lambda d: d.strftime("%-I:%M:%S %p"),
}


def mrkdwn(text: str, people: Mapping[str, str], channels: Callable[[str], str]) -> str:
    """HTML for a mrkdwn string; `people` names user ids, `channels` names channel ids."""
    stash: list[str] = []

    def keep(fragment: str) -> str:
        stash.append(fragment)
        return f"\x00{len(stash) - 1}\x00"

    text = _CODE_BLOCK.sub(lambda m: keep(f"<pre>{_plain(m.group(1))}</pre>"), text)
    text = _CODE.sub(lambda m: keep(f"<code>{_plain(m.group(1))}</code>"), text)
    text = _TOKEN.sub(lambda m: keep(_token(m.group(1), people, channels)), text)
    out = html.escape(_unescape(text), quote=False)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    out = _quotes(out)
    out = emoji(out).replace("\n", "<br>")
    return re.sub("\x00(\\d+)\x00", lambda m: stash[int(m.group(1))], out)


def plain(text: str) -> str:
    """HTML for plain_text."""
    return emoji(_plain(text)).replace("\n", "<br>")


def emoji(text: str) -> str:
    """Emoji codes as the characters a Slack client shows."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _plain(text: str) -> str:
    return html.escape(_unescape(text), quote=False)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _quotes(out: str) -> str:
    lines = out.split("\n")
    shown = [
        f'<span class="quote">{line[5:].lstrip()}</span>' if line.startswith("&gt;") else line
        for line in lines
    ]
    return "\n".join(shown)


def _token(inner: str, people: Mapping[str, str], channels: Callable[[str], str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return f'<span class="mention">@{html.escape(people.get(user, label or user))}</span>'
    if target.startswith("#"):
        name = label or channels(target[1:])
        return f'<span class="mention">#{html.escape(name)}</span>'
    if target.startswith("!date^"):
        return html.escape(_date(target, label))
    if target.startswith("!subteam^"):
        return f'<span class="mention">@{html.escape(label or target[9:])}</span>'
    if target.startswith("!"):
        return f'<span class="mention">@{html.escape(target[1:])}</span>'
    href = html.escape(_unescape(target))
    shown = html.escape(_unescape(label or target), quote=False)
    return f'<a href="{href}" target="_blank" rel="noopener">{shown}</a>'


def _date(target: str, fallback: str) -> str:
    """`!date^1700000000^{date_short} at {time}^optional_link`, shown in UTC."""
    parts = target.split("^")
    try:
        when = datetime.fromtimestamp(int(parts[1]), UTC)
        template = parts[2]
    except (IndexError, ValueError, OverflowError, OSError):
        return fallback
    return re.sub(
        r"\{(\w+)\}",
        lambda m: _DATE_FORMATS[m.group(1)](when) if m.group(1) in _DATE_FORMATS else m.group(0),
        template,
    )
