"""`to_wire` sends exactly what slack_sdk's `to_dict()` would, and the tests still validate."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    OverflowMenuElement,
    PlainTextInputElement,
    PlainTextObject,
    RichTextBlock,
    RichTextSectionElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import wire
from bot.blocks.kit.wire import to_wire, view_to_wire


def varied_blocks() -> list[Block | dict[str, str]]:
    options = [Option(text=f"Choice {n}", value=f"v{n}") for n in range(3)]
    return [
        HeaderBlock(text="Order SO-1 · ACME"),
        SectionBlock(
            fields=[MarkdownTextObject(text="*Status*\nopen"), PlainTextObject(text="x")],
            accessory=OverflowMenuElement(action_id="menu", options=options),
        ),
        ContextBlock(elements=[MarkdownTextObject(text="overdue 3 days", verbatim=True)]),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Close",
                    action_id="close",
                    value="SO-1",
                    style="danger",
                    confirm=ConfirmObject(title="Sure?", text="Close the order"),
                ),
                StaticSelectElement(
                    action_id="pick",
                    option_groups=[OptionGroup(label="Group", options=options)],
                    initial_option=options[1],
                ),
            ]
        ),
        InputBlock(
            block_id="eta",
            label="New ETA",
            element=DatePickerElement(action_id="date", initial_date="2026-12-01"),
            optional=False,
        ),
        InputBlock(label="Note", element=PlainTextInputElement(action_id="n", multiline=True)),
        RichTextBlock(elements=[RichTextSectionElement(elements=[])]),
        {"type": "divider"},
    ]


def test_to_wire_equals_to_dict_for_every_kind_of_element(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(wire, "CHECKED", False)  # compare here, not inside
    blocks = varied_blocks()

    wired = to_wire(blocks)

    assert wired == [b if isinstance(b, dict) else b.to_dict() for b in blocks]
    assert wired[1]["accessory"]["options"][0] == {
        "text": {"type": "plain_text", "text": "Choice 0", "emoji": True},
        "value": "v0",
    }


def test_view_to_wire_equals_to_dict(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(wire, "CHECKED", False)
    view = View(
        type="modal",
        callback_id="eta_modal",
        title="Update ETA",
        submit="Save",
        close="Cancel",
        private_metadata='{"order": "SO-1"}',
        blocks=varied_blocks()[:6],
    )

    assert view_to_wire(view) == view.to_dict()


def test_in_the_tests_to_wire_still_runs_slacks_validators():
    assert wire.CHECKED
    too_long = SectionBlock(text=MarkdownTextObject(text="x" * 3001))

    with pytest.raises(SlackObjectFormationError):
        to_wire([too_long])
