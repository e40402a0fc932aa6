"""Block Kit for the feedback report (`/backlog feedback report` and the weekly digest).

Nobody is @-mentioned: the weekly report lands in a channel every week.
"""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit.text import clip, escape, moment
from bot.services.feedback.entries import FeedbackEntry
from bot.services.feedback.report import Count, FeedbackReport

MAX_THREATS = 8
# Sections hold 3,000 characters; Slack refuses a message past about 12,000 characters of
# blocks. Escaping can make text five times longer (&amp;), so long sections are cut and the
# sections after the budget are left out with a note saying so.
_SECTION_CHARS = 2900
_SECTIONS_BUDGET = 9000
_THREAT_CHARS = 150
_NOTE_CHARS = 200


def feedback_report_title(report: FeedbackReport) -> str:
    team = f" · team {report.team}" if report.team else ""
    return f"Customer feedback · last {report.period.days} days{team}"


def feedback_report_text(report: FeedbackReport) -> str:
    """The plain-text fallback: the headline figures."""
    moods = ", ".join(f"{c.current} {c.label.lower()}" for c in report.sentiments if c.current)
    threats = len(report.threats)
    return (
        f"{feedback_report_title(report)}: {report.total.current} notes "
        f"({change(report.total)} on the {report.period.days} days before)"
        + (f": {moods}" if moods else "")
        + (f"; {threats} open orders with a cancellation threat" if threats else "")
    )


def change(count: Count) -> str:
    """+3, −2 or ±0."""
    if count.change > 0:
        return f"+{count.change}"
    return f"−{-count.change}" if count.change < 0 else "±0"


def build_feedback_report(report: FeedbackReport, zone: tzinfo) -> list[Block]:
    """Figures against the period before, delay hot spots, threats, the latest notes per tag."""
    period = report.period
    when = f"{moment(period.start, zone)} – {moment(period.end, zone)} ({zone})"
    blocks: list[Block] = [
        HeaderBlock(text=clip(feedback_report_title(report), 150)),
        _context(f"{when} · changes against the {period.days} days before"),
    ]
    if report.empty and report.total.previous == 0:
        text = f"No customer feedback was logged in these {period.days} days or the ones before."
        return [*blocks, SectionBlock(text=MarkdownTextObject(text=text))]
    blocks.append(SectionBlock(fields=_fields([report.total, *report.sentiments])))
    blocks.append(SectionBlock(fields=_fields(report.tags)))
    return blocks + _within_budget(_sections(report, zone))


def _sections(report: FeedbackReport, zone: tzinfo) -> list[str]:
    texts = [_hot_spots(report)]
    if report.threats:
        texts.append(_threats(report.threats, zone))
    for tag, notes in report.recent.items():
        lines = "\n".join(_note_line(note, zone) for note in notes)
        texts.append(f"*Latest · {tag.label}*\n{lines}")
    return [clip(text, _SECTION_CHARS) for text in texts if text]


def _within_budget(texts: list[str]) -> list[Block]:
    blocks: list[Block] = []
    used = 0
    for text in texts:
        used += len(text)
        if used > _SECTIONS_BUDGET:
            left = len(texts) - len(blocks)
            return [*blocks, _context(f"{left} more sections did not fit in one message.")]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def _context(text: str) -> Block:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _fields(counts: list[Count]) -> list[MarkdownTextObject]:
    return [
        MarkdownTextObject(text=f"*{c.label}*\n{c.current} ({change(c)}, was {c.previous})")
        for c in counts
    ]


def _hot_spots(report: FeedbackReport) -> str:
    lines = []
    for title, names in (("Suppliers", report.delay_suppliers), ("SKUs", report.delay_skus)):
        if names:
            listed = ", ".join(f"{escape(clip(name, 80))} ({count})" for name, count in names)
            lines.append(f"{title}: {listed}")
    return "*Most named in delay complaints*\n" + "\n".join(lines) if lines else ""


def _threats(threats: list[FeedbackEntry], zone: tzinfo) -> str:
    lines = ["*Open orders with cancellation threats*"]
    used = len(lines[0])
    for shown, threat in enumerate(threats):
        line = _threat_line(threat, zone)
        # Room is kept for the "and N more" line, so no threat goes unmentioned.
        if shown == MAX_THREATS or used + len(line) > _SECTION_CHARS - 40:
            lines.append(f"…and {len(threats) - shown} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _threat_line(threat: FeedbackEntry, zone: tzinfo) -> str:
    said = escape(clip(" ".join(threat.text.split()), _THREAT_CHARS))
    day = threat.created_at.astimezone(zone).date().isoformat()
    customer = escape(clip(threat.customer, 60))
    return f"• *{escape(threat.external_id or '')}* · {customer} — “{said}” ({day})"


def _note_line(note: FeedbackEntry, zone: tzinfo) -> str:
    target = note.external_id or f"{note.customer} (no order)"
    said = escape(clip(" ".join(note.text.split()), _NOTE_CHARS))
    day = note.created_at.astimezone(zone).date().isoformat()
    return f"• {day} · {escape(clip(target, 60))}: {said}"
