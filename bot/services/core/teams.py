"""Which Slack channel holds each team's order threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from storage.orders.tables import Order


@dataclass(frozen=True)
class TeamChannels:
    """Team name (as orders spell it, any case) -> channel id, from TEAM_CHANNELS."""

    channels: Mapping[str, str] = field(default_factory=dict)

    def channel_for(self, order: Order) -> str | None:
        """Where the order's thread belongs; None when its team has no channel."""
        if order.team is None:
            return None
        lowered = {team.lower(): channel for team, channel in self.channels.items()}
        return lowered.get(order.team.strip().lower())
