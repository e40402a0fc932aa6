"""Saving a submitted order modal: one translation of service errors into modal answers.

The save runs before the ack so that every problem shows under its field (a service's
InvalidInput.field names the block); a refusal shows under the form's main block; a stale
card re-renders the modal for the order as it is now; Slack's side effects follow the ack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.forms import FormErrors, ModalContext
from bot.blocks.kit.wire import view_to_wire
from bot.listeners.core.background import Background
from bot.services.core.errors import InvalidInput, StaleUpdate
from bot.services.core.roles import PermissionDenied
from bot.services.orders.actions.unit import ActionResult
from storage.orders.tables import Order

Save = Callable[[ModalContext, dict[str, Any], str], Awaitable[ActionResult]]
After = Callable[[ActionResult, ModalContext, str, AsyncWebClient], Coroutine[Any, Any, None]]
Rerender = Callable[[ModalContext, Order, str], View]


@dataclass(frozen=True)
class ModalForm:
    """How one modal's submission is checked and followed up."""

    name: str  # for logs of the follow-up work
    fields: Mapping[str, str]  # service field -> block id
    main_block: str  # where errors without a field show
    rerender: Rerender  # the modal again, for a fresher order, with a warning
    after: After


async def save_modal(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    save: Save,
    form: ModalForm,
    background: Background,
) -> None:
    """Run `save`; answer the modal with field errors, a fresh re-render or a plain ack."""
    ctx = ModalContext.decode(view["private_metadata"])
    actor = body["user"]["id"]
    try:
        result = await save(ctx, view["state"], actor)
    except FormErrors as exc:
        await ack(response_action="errors", errors=exc.errors)
        return
    except (InvalidInput, PermissionDenied) as exc:
        field = exc.field if isinstance(exc, InvalidInput) else None
        block = form.fields.get(field or "", form.main_block)
        await ack(response_action="errors", errors={block: exc.message})
        return
    except StaleUpdate as exc:
        # Submitting the re-rendered modal applies to the version shown in it.
        fresh = replace(ctx, version=exc.fresh.version)
        await ack(
            response_action="update",
            view=view_to_wire(form.rerender(fresh, exc.fresh, exc.message)),
        )
        return
    await ack()
    background.run(form.after(result, ctx, actor, client), f"{form.name} {ctx.external_id}")
