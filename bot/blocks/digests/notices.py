"""Short texts about digests: delivery problems told to a subscription's creator, and replies."""

from __future__ import annotations

from bot.services.digests.spec import DigestFilters
from bot.services.orders.lagging import LagKind
from storage.digests.tables import DigestSubscription

_FIXES = {
    "not_in_channel": "I am not a member of <#{channel}>. Invite me there: `/invite @Backlog Bot`.",
    "channel_not_found": (
        "I cannot see <#{channel}>: it was deleted, or it is private and I am not in it. "
        "Invite me there (`/invite @Backlog Bot`), or move the digest to another channel."
    ),
    "is_archived": (
        "<#{channel}> is archived. Unarchive it, or move the digest to another channel."
    ),
}


def delivery_problem(subscription: DigestSubscription, error: str) -> str:
    """The DM to a subscription's creator when Slack refuses its digest for good."""
    channel = subscription.channel_id
    fix = _FIXES.get(error, "Slack said `{error}`.").format(channel=channel, error=error)
    return (
        f"Your digest #{subscription.id} for <#{channel}> could not be posted. {fix} "
        f"Later runs will try again; `/backlog digest edit {subscription.id}` changes the "
        f"channel, `/backlog digest test {subscription.id}` posts one now to check."
    )


def digest_scope(subscription: DigestSubscription) -> str:
    """What a subscription's digest covers: filters and kinds, for people."""
    parts = [DigestFilters.from_json(subscription.filters).describe()]
    kinds = [LagKind(k) for k in subscription.kinds]
    if kinds and len(kinds) < len(LagKind):
        parts.append(", ".join(kind.label for kind in kinds))
    return " · ".join(part for part in parts if part)
