"""The digest subscription modal (add and edit), its live preview, and its reader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    CheckboxesElement,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.blocks.digests.subscription_fields import (
    AGING_AFTER,
    CHANNEL,
    CUSTOMER,
    DAYS,
    GRACE,
    GROUPING,
    KINDS,
    MAX_ROWS,
    MIN_AGE,
    ONLY_CHANGES,
    OPTIONS,
    OWNER,
    PREVIEW,
    SKIP_EMPTY,
    SKU,
    STALE_AFTER,
    STATUSES,
    SUPPLIER,
    TEAM,
    TIMES,
    ZONE,
)  # fmt: skip
from bot.blocks.kit import ids
from bot.blocks.kit.forms import options
from bot.blocks.kit.text import clip, escape
from bot.services.core.schedule import DAY_NAMES
from bot.services.digests.drafts import SubscriptionDraft
from bot.services.digests.spec import MAX_DAYS_LIMIT, MAX_ROWS_LIMIT, Grouping
from bot.services.orders.lagging import LagKind
from storage.orders.tables import OPEN_STATUSES, OrderStatus

_DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ENTER = DispatchActionConfig(trigger_actions_on=["on_enter_pressed"])


@dataclass(frozen=True)
class DigestModalMeta:
    """What the modal remembers: the subscription it edits (None: a new one)."""

    subscription_id: int | None = None

    def encode(self) -> str:
        return json.dumps({"s": self.subscription_id})

    @classmethod
    def decode(cls, text: str) -> DigestModalMeta:
        value = json.loads(text or "{}").get("s")
        return cls(int(value) if value is not None else None)


@dataclass(frozen=True)
class PreviewLine:
    """The preview: next runs and the count now, "counting", or what to fix first."""

    runs: list[datetime] | None = None
    zone: str = "UTC"
    lagging: int | None = None
    listed: int | None = None
    problem: str | None = None

    def text(self) -> str:
        if self.problem:
            return f":warning: {escape(self.problem)}"
        lines = []
        if self.runs:
            zone = ZoneInfo(self.zone)
            when = ", ".join(f"{run.astimezone(zone):%a %d %b %H:%M}" for run in self.runs)
            lines.append(f"*Next runs:* {when} ({escape(self.zone)})")
        if self.lagging is None:
            lines.append("*Right now:* counting…")
        else:
            lines.append(
                f"*Right now:* {self.lagging} lagging orders; the digest would list {self.listed}."
            )
        return "\n".join(lines)


def build_digest_modal(
    draft: SubscriptionDraft, meta: DigestModalMeta, preview: PreviewLine
) -> View:
    """Channel, schedule, filters, kinds, limits, grouping and options, with a live preview."""
    title = "Edit digest" if meta.subscription_id else "New digest"
    blocks: list[Block] = [
        InputBlock(
            block_id=CHANNEL,
            label="Channel",
            element=ConversationSelectElement(
                action_id=CHANNEL,
                initial_conversation=draft.channel_id,
                default_to_current_conversation=draft.channel_id is None,
            ),
        ),
        _checkboxes(DAYS, "Days", _days(), draft.days, dispatch=True),
        _text(TIMES, "Times (24-hour, comma-separated)", draft.times, "08:30, 16:00", True),
        _text(ZONE, "Time zone (IANA)", draft.zone, "Europe/Berlin", True),
        SectionBlock(
            block_id=PREVIEW,
            text=MarkdownTextObject(text=clip(preview.text(), 3000)),
            accessory=ButtonElement(text="Refresh preview", action_id=ids.DIGEST_PREVIEW_ACTION),
        ),
        *_filters(draft),
        _checkboxes(KINDS, "Lagging reasons to list", _kinds(), draft.kinds),
        *_numbers(draft),
        _grouping(draft),
        _checkboxes(OPTIONS, "Options", _option_choices(), _picked_options(draft), optional=True),
    ]
    return View(
        type="modal", callback_id=ids.DIGEST_MODAL, title=title, submit="Save", close="Cancel",
        private_metadata=meta.encode(), blocks=blocks,
    )  # fmt: skip


def _filters(draft: SubscriptionDraft) -> list[Block]:
    statuses = options((s.value, s.label) for s in OrderStatus if s in OPEN_STATUSES)
    chosen = [o for o in statuses if o.value in draft.statuses]
    return [
        _text(TEAM, "Team", draft.team, "emea", optional=True),
        InputBlock(
            block_id=OWNER,
            label="Owner",
            optional=True,
            element=UserSelectElement(action_id=OWNER, initial_user=draft.owner),
        ),
        _text(SUPPLIER, "Supplier contains", draft.supplier, None, optional=True),
        _text(SKU, "SKU contains", draft.sku, None, optional=True),
        _text(CUSTOMER, "Customer contains", draft.customer, None, optional=True),
        InputBlock(
            block_id=STATUSES,
            label="Statuses (none: every open status)",
            optional=True,
            element=StaticMultiSelectElement(
                action_id=STATUSES, options=statuses, initial_options=chosen or None
            ),
        ),
    ]


def _numbers(draft: SubscriptionDraft) -> list[Block]:
    return [
        _number(MIN_AGE, "Minimum age (business days)", draft.min_age, 0, MAX_DAYS_LIMIT),
        _number(MAX_ROWS, "Max rows", draft.max_rows, 1, MAX_ROWS_LIMIT),
        _number(
            STALE_AFTER, "Stale after (business days idle)", draft.stale_after, 1, MAX_DAYS_LIMIT
        ),
        _number(
            AGING_AFTER, "Aging after (business days open)", draft.aging_after, 1, MAX_DAYS_LIMIT
        ),
        _number(GRACE, "Post a missed run up to (minutes late)", draft.grace_minutes, 1, 1440),
    ]


def _grouping(draft: SubscriptionDraft) -> Block:
    choices = options((g.value, g.label) for g in Grouping)
    initial = next((o for o in choices if o.value == draft.grouping), choices[0])
    return InputBlock(
        block_id=GROUPING, label="Grouping",
        element=StaticSelectElement(action_id=GROUPING, options=choices, initial_option=initial),
    )  # fmt: skip


def _text(
    block: str, label: str, value: str | None, hint: str | None, dispatch: bool = False,
    optional: bool = False,
) -> Block:  # fmt: skip
    element = PlainTextInputElement(
        action_id=ids.DIGEST_PREVIEW_ACTION if dispatch else block, initial_value=value or None,
        placeholder=hint, dispatch_action_config=_ENTER if dispatch else None,
    )  # fmt: skip
    return InputBlock(
        block_id=block, label=label, element=element, optional=optional, dispatch_action=dispatch
    )


def _number(block: str, label: str, value: str | None, low: int, high: int) -> Block:
    element = NumberInputElement(
        action_id=block, is_decimal_allowed=False, initial_value=value or None,
        min_value=low, max_value=high,
    )  # fmt: skip
    return InputBlock(block_id=block, label=label, element=element)


def _checkboxes(
    block: str, label: str, choices: list[Option], picked: tuple[str, ...],
    dispatch: bool = False, optional: bool = False,
) -> Block:  # fmt: skip
    initial = [o for o in choices if o.value in picked] or None
    element = CheckboxesElement(
        action_id=ids.DIGEST_PREVIEW_ACTION if dispatch else block, options=choices,
        initial_options=initial,
    )  # fmt: skip
    return InputBlock(
        block_id=block, label=label, element=element, optional=optional, dispatch_action=dispatch
    )


def _days() -> list[Option]:
    return options(zip(DAY_NAMES, _DAY_LABELS, strict=True))


def _kinds() -> list[Option]:
    return options((kind.value, kind.label) for kind in LagKind)


def _option_choices() -> list[Option]:
    return options(
        [
            (SKIP_EMPTY, "Skip the digest when nothing is listed"),
            (ONLY_CHANGES, "Only what changed since the last digest"),
        ]
    )


def _picked_options(draft: SubscriptionDraft) -> tuple[str, ...]:
    picked = (SKIP_EMPTY,) if draft.skip_when_empty else ()
    return picked + ((ONLY_CHANGES,) if draft.only_changes else ())
