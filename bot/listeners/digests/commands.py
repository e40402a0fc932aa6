"""`/backlog digest add|list|edit|pause|resume|remove|test` and the list's buttons."""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digests.listing import build_subscription_list, subscription_list_text
from bot.blocks.digests.notices import delivery_problem
from bot.blocks.digests.subscription_modal import DigestModalMeta
from bot.blocks.kit import ids
from bot.blocks.kit.wire import to_wire
from bot.delivery.digests.digest_posts import DigestSender
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.router import SubcommandRouter, subcommand
from bot.listeners.digests.slack_access import is_member, user_zone
from bot.listeners.digests.subscription_modal import DigestModal, DigestModalServices
from bot.services.core.roles import PermissionDenied, Role, RoleBook
from bot.services.digests import Digests
from bot.services.digests.drafts import SubscriptionDraft
from bot.services.digests.subscriptions import Actor, SubscriptionNotFound
from bot.services.orders.reader import OrderReader

USAGE = "/backlog digest add | list | edit ID | pause ID | resume ID | remove ID | test ID"
_ONE_ACTIONS = frozenset({"edit", "pause", "resume", "remove", "test"})


class DigestCommandsServices(DigestModalServices, Protocol):
    """The services DigestCommands uses."""

    digests: Digests
    orders: OrderReader
    roles: RoleBook


class DigestCommands:
    """Digest subscriptions from Slack: the subcommand and the buttons of its list."""

    def __init__(
        self, services: DigestCommandsServices, router: SubcommandRouter, background: Background
    ) -> None:
        self._services = services
        self._subscriptions = services.digests.subscriptions
        self._background = background
        self._modal = DigestModal(services, background)
        router.collect(self)

    def register(self, registry: Registry) -> None:
        self._modal.register(registry)
        registry.action(ids.DIGEST_EDIT_ACTION, self.edit_button)
        registry.action(ids.DIGEST_PAUSE_ACTION, self.pause_button)
        registry.action(ids.DIGEST_TEST_ACTION, self.test_button)
        registry.action(ids.DIGEST_REMOVE_ACTION, self.remove_button)

    @subcommand("digest", usage=USAGE)
    async def digest(
        self, ack: AsyncAck, args: str, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Scheduled digests of lagging orders: add one, list them, change one, post a test."""
        action, _, rest = args.strip().partition(" ")
        one = action in _ONE_ACTIONS and rest.strip().isdigit()
        if action not in ("", "list", "add") and not one:
            problem = f"I don't know `/backlog digest {args.strip()}`. Usage: {USAGE}"
            await ack(response_type="ephemeral", text=problem)
            return
        await ack()
        respond = AsyncRespond(response_url=command["response_url"])
        user, trigger = command["user_id"], command["trigger_id"]
        if action == "add":
            zone = await user_zone(client, user, str(self._services.orders.zone))
            draft = SubscriptionDraft.new(command.get("channel_id"), zone)
            await self._modal.open(client, trigger, draft, DigestModalMeta())
        elif one:
            await self._one(action, int(rest.strip()), respond, user, trigger, client)
        else:
            await self._list(respond)

    async def edit_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Edit: the modal, filled in with the subscription."""
        await self._button(ack, body, "edit", action["value"], client, respond)

    async def pause_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Pause or Resume, then the list again in place."""
        sub_id, _, verb = action["value"].partition(":")
        await self._button(ack, body, verb, sub_id, client, respond)

    async def test_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Post a test digest now."""
        await self._button(ack, body, "test", action["value"], client, respond)

    async def remove_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Remove (Slack asked to confirm), then the list again in place."""
        await self._button(ack, body, "remove", action["value"], client, respond)

    async def _button(
        self, ack: AsyncAck, body: dict[str, Any], action: str, value: str,
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        await ack()
        user, trigger = body["user"]["id"], body["trigger_id"]
        await self._one(action, int(value), respond, user, trigger, client)

    async def _one(
        self, action: str, sub_id: int, respond: AsyncRespond, user: str, trigger: str,
        client: AsyncWebClient,
    ) -> None:  # fmt: skip
        """Edit, pause, resume, remove or test one subscription, if `user` may."""
        try:
            sub = await self._subscriptions.get(sub_id)
            actor = await self._actor(client, user, sub.channel_id)
            self._subscriptions.authorise(actor)
            if action == "edit":
                meta = DigestModalMeta(sub_id)
                await self._modal.open(client, trigger, SubscriptionDraft.of(sub), meta)
            elif action == "test":
                await _say(respond, f"Posting a test of digest #{sub_id} to <#{sub.channel_id}>…")
                self._background.run(self._test(sub_id, respond, client), f"digest {sub_id} test")
            elif action == "remove":
                await self._subscriptions.remove(sub_id, actor)
                await self._list(respond, f"Digest #{sub_id} removed.")
            else:
                await self._subscriptions.set_paused(sub_id, action == "pause", actor)
                await self._list(respond, f"Digest #{sub_id} {action}d.")
        except (SubscriptionNotFound, PermissionDenied) as exc:
            await _say(respond, exc.message)

    async def _actor(self, client: AsyncWebClient, user: str, channel: str) -> Actor:
        role = self._services.roles.role_of(user)
        member = role is Role.ADMIN or await is_member(client, channel, user)
        return Actor(user, role, member)

    async def _list(self, respond: AsyncRespond, notice: str | None = None) -> None:
        items = await self._subscriptions.listing()
        blocks = build_subscription_list(items, notice)
        text = subscription_list_text(items)
        await respond(
            response_type="ephemeral", replace_original=True, text=text, blocks=to_wire(blocks)
        )

    async def _test(self, sub_id: int, respond: AsyncRespond, client: AsyncWebClient) -> None:
        deliveries = self._services.digests.deliveries
        delivery = await deliveries.now(sub_id, test=True)
        if delivery is None:
            await _say(respond, f"No digest subscription #{sub_id}.")
            return
        sender = DigestSender(deliveries, client, self._services.orders.zone)
        error = await sender.send(delivery)
        channel = delivery.subscription.channel_id
        if error is None:
            await _say(respond, f"Test digest posted to <#{channel}>.")
        else:
            await _say(respond, delivery_problem(delivery.subscription, error))


async def _say(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, text=text)
