"""The digest subscription modal: open it (add or edit), refresh its preview, save it.

A submission is validated and saved before the ack, so every problem shows under its field;
Slack is asked about channel membership first (the permission rule needs it).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digests.listing import build_saved_view
from bot.blocks.digests.subscription_fields import CHANNEL, FIELD_BLOCKS, read_digest_draft
from bot.blocks.digests.subscription_modal import DigestModalMeta, PreviewLine, build_digest_modal
from bot.blocks.kit import ids
from bot.blocks.kit.wire import view_to_wire
from bot.delivery.core.slack_errors import slack_error
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.digests.slack_access import is_member
from bot.services.core.roles import PermissionDenied, Role, RoleBook
from bot.services.digests import Digests
from bot.services.digests.drafts import InvalidSubscription, SubscriptionDraft
from bot.services.digests.subscriptions import Actor, SubscriptionNotFound

log = logging.getLogger(__name__)


class DigestModalServices(Protocol):
    """The services DigestModal uses."""

    digests: Digests
    roles: RoleBook


class DigestModal:
    """Opens, previews and saves the subscription modal."""

    def __init__(self, services: DigestModalServices, background: Background) -> None:
        self._services = services
        self._subscriptions = services.digests.subscriptions
        self._background = background

    def register(self, registry: Registry) -> None:
        registry.action(ids.DIGEST_PREVIEW_ACTION, self.refresh)
        registry.view(ids.DIGEST_MODAL, self.save)

    async def open(
        self,
        client: AsyncWebClient,
        trigger_id: str,
        draft: SubscriptionDraft,
        meta: DigestModalMeta,
    ) -> None:
        """Show the modal with its next runs at once; the count follows by views.update."""
        try:
            runs, _ = self._subscriptions.next_runs(draft)
            line = PreviewLine(runs=runs, zone=draft.zone)
        except InvalidSubscription as exc:
            line = PreviewLine(problem=_fix_first(exc))
        opened = await client.views_open(
            trigger_id=trigger_id, view=view_to_wire(build_digest_modal(draft, meta, line))
        )
        view = opened.get("view") or {}
        if view.get("id"):
            work = self._update(client, view, draft, meta)
            self._background.run(work, "digest modal preview")

    async def refresh(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Refresh preview (button, or Enter in times/zone, or a day ticked)."""
        await ack()
        view = body.get("view") or {}
        meta = DigestModalMeta.decode(view.get("private_metadata") or "")
        await self._update(client, view, read_digest_draft(view.get("state") or {}), meta)

    async def save(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Save: errors under their fields; otherwise the modal says where and when it posts."""
        draft = read_digest_draft(view["state"])
        meta = DigestModalMeta.decode(view.get("private_metadata") or "")
        subs = self._subscriptions
        try:
            actor = await self._actor(client, body["user"]["id"], draft, meta)
            if meta.subscription_id is None:
                saved = await subs.create(draft, actor)
            else:
                saved = await subs.update(meta.subscription_id, draft, actor)
        except InvalidSubscription as exc:
            errors = {FIELD_BLOCKS.get(f, CHANNEL): m for f, m in exc.errors.items()}
            await ack(response_action="errors", errors=errors)
            return
        except (PermissionDenied, SubscriptionNotFound) as exc:
            await ack(response_action="errors", errors={CHANNEL: exc.message})
            return
        runs, schedule = subs.next_runs(draft)
        await ack(
            response_action="update", view=view_to_wire(build_saved_view(saved, schedule, runs))
        )

    async def _actor(
        self, client: AsyncWebClient, user: str, draft: SubscriptionDraft, meta: DigestModalMeta
    ) -> Actor:
        role = self._services.roles.role_of(user)
        channels = {draft.channel_id} if draft.channel_id else set()
        if meta.subscription_id is not None:
            channels.add((await self._subscriptions.get(meta.subscription_id)).channel_id)
        # Admins may change any channel's digest: no need to ask Slack about them.
        member = role is Role.ADMIN or all([await is_member(client, c, user) for c in channels])
        return Actor(user, role, member)

    async def _update(
        self,
        client: AsyncWebClient,
        view: dict[str, Any],
        draft: SubscriptionDraft,
        meta: DigestModalMeta,
    ) -> None:
        try:
            preview = await self._subscriptions.preview(draft)
            line = PreviewLine(
                preview.next_runs, draft.zone.strip(), preview.lagging, preview.listed
            )
        except InvalidSubscription as exc:
            line = PreviewLine(problem=_fix_first(exc))
        try:
            await client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=view_to_wire(build_digest_modal(draft, meta, line)),
            )
        except SlackApiError as exc:
            # hash_conflict: the user changed the modal meanwhile; their next refresh wins.
            log.info("digest preview not shown: %s", slack_error(exc))


def _fix_first(exc: InvalidSubscription) -> str:
    return "Fix these to see the next runs and a count: " + " ".join(exc.errors.values())
