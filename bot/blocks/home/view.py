"""The App Home view: filter, team figures, four paged lists of orders, the admins' section.

At most 100 blocks by construction (Slack's limit for a Home tab). The worst case:
  header, filter line, filter controls, figures (2), divider .......................   6
  lagging: title, up to 6 reason groups, 10 rows of 2 blocks, paging, divider ........  29
  to tell, snoozed, expedites: title, 5 rows of 2 blocks, paging, divider: 3 x 13 .....  39
  admins: subscriptions, hint, sync ....................................................   3
  = 77 (worst_case_blocks), so no page can overflow however many orders a rep holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo
from typing import Any, TypeVar

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InteractiveElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.home.rows import (
    build_admin,
    build_figures,
    expedite_text,
    lagging_text,
    order_row,
    snoozed_text,
    to_tell_text,
)
from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape
from bot.services.home.dashboard import Dashboard, HomeFilter, HomeList, Page, PendingExpedite
from bot.services.orders.lagging import LagKind
from bot.services.orders.reader import OrderSummary
from storage.orders.tables import Order

PAGE_SIZES: Mapping[HomeList, int] = {
    HomeList.LAGGING: 10,
    HomeList.TO_TELL: 5,
    HomeList.SNOOZED: 5,
    HomeList.EXPEDITES: 5,
}
MAX_HOME_BLOCKS = 100
_ALL = "*"  # the "All reasons" / "All teams" option (a team is never named "*")
_TEAM_OPTIONS = 99  # a static select holds 100 options; one is "All teams"
_TITLES = {
    HomeList.LAGGING: "My lagging orders",
    HomeList.TO_TELL: "Customers I still have to tell",
    HomeList.SNOOZED: "My snoozed orders",
    HomeList.EXPEDITES: "My open expedite requests",
}
T = TypeVar("T")


@dataclass(frozen=True)
class HomeState:
    """The filter and the page of each list: in the view's private_metadata and the buttons."""

    filter: HomeFilter = field(default_factory=HomeFilter)
    pages: Mapping[HomeList, int] = field(default_factory=dict)

    def encode(self) -> str:
        data = {
            "k": self.filter.kind.value if self.filter.kind else None,
            "t": self.filter.team,
            "p": {name.value: page for name, page in self.pages.items() if page},
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None) -> HomeState:
        """The state in `text`; the default state for anything unreadable (an older format)."""
        try:
            data: dict[str, Any] = json.loads(text or "{}")
            kind = LagKind(data["k"]) if data.get("k") else None
            team = str(data["t"])[:128] if data.get("t") else None
            pages = {HomeList(name): max(0, int(n)) for name, n in dict(data.get("p", {})).items()}
        except (ValueError, TypeError, AttributeError):
            return cls()
        return cls(HomeFilter(kind, team), pages)

    def with_page(self, name: HomeList, page: int) -> HomeState:
        return replace(self, pages={**self.pages, name: page})

    def with_filter(self, where: HomeFilter) -> HomeState:
        """A new filter starts every list on its first page."""
        return HomeState(where)


def worst_case_blocks() -> int:
    """The most blocks build_home can return with PAGE_SIZES (see the module docstring)."""
    top, admin = 6, 3
    lagging = 1 + len(LagKind) + 2 * PAGE_SIZES[HomeList.LAGGING] + 2
    others = sum(3 + 2 * size for name, size in PAGE_SIZES.items() if name != HomeList.LAGGING)
    return top + lagging + others + admin


def read_choice(value: str | None) -> str | None:
    """A filter select's value: None for "All"."""
    return None if value in (None, _ALL) else value


def build_home(dashboard: Dashboard, today: date, zone: tzinfo) -> View:
    """The Home tab of `dashboard.user`."""
    state = HomeState(dashboard.filter, _pages_of(dashboard))

    def tell(item: OrderSummary, row: str) -> list[Block]:
        return order_row(item.order, to_tell_text(item, today, zone), row)

    def snoozed(item: Order, row: str) -> list[Block]:
        return order_row(item, snoozed_text(item, today, zone), row)

    def expedite(item: PendingExpedite, row: str) -> list[Block]:
        return order_row(item.order, expedite_text(item, zone), row)

    blocks: list[Block] = [
        HeaderBlock(text="Your backlog"),
        ContextBlock(elements=[MarkdownTextObject(text=_filter_line(dashboard.filter))]),
        _filter_controls(dashboard),
        *build_figures(dashboard.figures, zone),
        DividerBlock(),
        *_lagging(dashboard, state, today),
        *_list(HomeList.TO_TELL, dashboard.to_tell, state, tell),
        *_list(HomeList.SNOOZED, dashboard.snoozed, state, snoozed),
        *_list(HomeList.EXPEDITES, dashboard.expedites, state, expedite),
    ]
    if dashboard.admin is not None:
        blocks += build_admin(dashboard.admin, zone)
    return View(
        type="home", callback_id=ids.HOME_VIEW, private_metadata=state.encode(), blocks=blocks
    )


def _pages_of(dashboard: Dashboard) -> dict[HomeList, int]:
    # The pages actually shown: a list that shrank since the click lands on its last page.
    return {
        HomeList.LAGGING: dashboard.lagging.number,
        HomeList.TO_TELL: dashboard.to_tell.number,
        HomeList.SNOOZED: dashboard.snoozed.number,
        HomeList.EXPEDITES: dashboard.expedites.number,
    }


def _filter_line(where: HomeFilter) -> str:
    if where.kind is None and where.team is None:
        return "Orders you own, lagging first. Filter by why they lag or by team:"
    parts = [
        f"why: *{where.kind.label}*" if where.kind else "",
        f"team: *{escape(where.team or '')}*" if where.team else "",
    ]
    return "Filtered to " + " · ".join(p for p in parts if p) + " (the team also sets the figures)"


def _filter_controls(dashboard: Dashboard) -> ActionsBlock:
    where = dashboard.filter
    elements: list[InteractiveElement] = [_kind_select(where), _team_select(where, dashboard.teams)]
    if where.kind or where.team:
        clear = HomeState().encode()
        elements.append(
            ButtonElement(text="Clear filter", action_id=ids.HOME_CLEAR_ACTION, value=clear)
        )
    refresh = ButtonElement(text="Refresh", action_id=ids.HOME_REFRESH_ACTION, value="refresh")
    return ActionsBlock(block_id=ids.HOME_FILTER_BLOCK, elements=[*elements, refresh])


def _kind_select(where: HomeFilter) -> StaticSelectElement:
    kinds = [Option(value=_ALL, text="All reasons")]
    kinds += [Option(value=kind.value, text=kind.label) for kind in LagKind]
    chosen = where.kind.value if where.kind else _ALL
    return StaticSelectElement(
        action_id=ids.HOME_KIND_ACTION,
        placeholder="Why lagging",
        options=kinds,
        initial_option=next(o for o in kinds if o.value == chosen),
    )


def _team_select(where: HomeFilter, known: list[str]) -> StaticSelectElement:
    teams = list(known[:_TEAM_OPTIONS])
    if where.team and where.team.lower() not in teams:
        # The chosen team stays selectable, even after its last open order closed.
        teams = sorted([*teams[: _TEAM_OPTIONS - 1], where.team.lower()])
    options = [Option(value=_ALL, text="All teams")]
    options += [Option(value=team, text=clip(team, 75)) for team in teams]
    chosen = where.team.lower() if where.team else _ALL
    return StaticSelectElement(
        action_id=ids.HOME_TEAM_ACTION,
        placeholder="Team",
        options=options,
        initial_option=next((o for o in options if o.value == chosen), options[0]),
    )


def _lagging(dashboard: Dashboard, state: HomeState, today: date) -> list[Block]:
    """The lagging list, a header above each group of orders sharing their first reason."""
    page = dashboard.lagging
    blocks: list[Block] = [_title(HomeList.LAGGING, page)]
    current: LagKind | None = None
    for index, item in enumerate(page.items):
        first = item.lagging[0] if item.lagging else None
        if first is not None and first != current:
            current = first
            count = dashboard.lag_counts.get(first, 0)
            text = f"*{first.label}* · {count}"
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=text)]))
        blocks += order_row(
            item.order, lagging_text(item, today), f"{HomeList.LAGGING.value}_{index}"
        )
    return blocks + _paging(HomeList.LAGGING, page, state) + [DividerBlock()]


def _list(
    name: HomeList, page: Page[T], state: HomeState, row: Callable[[T, str], list[Block]]
) -> list[Block]:
    blocks: list[Block] = [_title(name, page)]
    for index, item in enumerate(page.items):
        blocks += row(item, f"{name.value}_{index}")
    return blocks + _paging(name, page, state) + [DividerBlock()]


def _title(name: HomeList, page: Page[Any]) -> SectionBlock:
    if page.total == 0:
        return SectionBlock(text=MarkdownTextObject(text=f"*{_TITLES[name]}* · none :tada:"))
    where = f" · page {page.number + 1} of {page.count}" if page.count > 1 else ""
    return SectionBlock(text=MarkdownTextObject(text=f"*{_TITLES[name]}* · {page.total}{where}"))


def _paging(name: HomeList, page: Page[Any], state: HomeState) -> list[Block]:
    buttons: list[InteractiveElement] = []
    if page.has_previous:
        value = state.with_page(name, page.number - 1).encode()
        buttons.append(
            ButtonElement(text="Previous", action_id=ids.HOME_PREVIOUS_ACTION, value=value)
        )
    if page.has_next:
        value = state.with_page(name, page.number + 1).encode()
        buttons.append(ButtonElement(text="Next", action_id=ids.HOME_NEXT_ACTION, value=value))
    return [ActionsBlock(block_id=f"home_paging_{name.value}", elements=buttons)] if buttons else []
