"""The layer contracts in pyproject.toml hold: each forbidden import, added to a copy of the tree,
makes `lint-imports` fail and name it; the tree as it is keeps every contract (`make lint`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Violation:
    """A line added to a module, and the contract that must catch it."""

    module: str  # path under the repository
    line: str
    contract: str  # the contract's name as lint-imports prints it
    shown: str  # what the report must name (the offending import)


VIOLATIONS = {
    "listener imports a query module": Violation(
        "bot/listeners/orders/lookup.py",
        "from storage.orders import queries as _queries",
        "never import storage queries",
        "bot.listeners.orders.lookup -> storage.orders.queries",
    ),
    "builder imports a query module": Violation(
        "bot/blocks/orders/card.py",
        "from storage.orders import lookups as _lookups",
        "never import storage queries",
        "bot.blocks.orders.card -> storage.orders.lookups",
    ),
    "job imports a query module": Violation(
        "bot/jobs/alerts/alert_job.py",
        "from storage.alerts import queries as _alert_queries",
        "never import storage queries",
        "bot.jobs.alerts.alert_job -> storage.alerts.queries",
    ),
    "HTTP edge imports a query module": Violation(
        "bot/http/payload_shapes.py",
        "from storage.digests import subscriptions as _subscriptions",
        "never import storage queries",
        "bot.http.payload_shapes -> storage.digests.subscriptions",
    ),
    "service imports the settings": Violation(
        "bot/services/orders/lagging.py",
        "from bot.settings import Settings as _Settings",
        "Services and storage never import",
        "bot.services.orders.lagging -> bot.settings",
    ),
    "service imports the Slack ids": Violation(
        "bot/services/digests/spec.py",
        "from bot.blocks.kit import ids as _ids",
        "Services and storage never import",
        "bot.services.digests.spec -> bot.blocks.kit.ids",
    ),
    "service imports aiohttp": Violation(
        "bot/services/core/health.py",
        "import aiohttp as _aiohttp",
        "Services and storage never import",
        "bot.services.core.health -> aiohttp",
    ),
    "service imports apscheduler": Violation(
        "bot/services/core/schedule.py",
        "import apscheduler as _apscheduler",
        "Services and storage never import",
        "bot.services.core.schedule -> apscheduler",
    ),
    "service imports starlette": Violation(
        "bot/services/ingest/api_batches.py",
        "import starlette as _starlette",
        "Services and storage never import",
        "bot.services.ingest.api_batches -> starlette",
    ),
    "storage imports the bot": Violation(
        "storage/orders/queries.py",
        "from bot.services.core import calendar as _calendar",
        "Storage never imports the bot",
        "storage.orders.queries -> bot.services.core.calendar",
    ),
    "a lower layer imports a higher one": Violation(
        "bot/blocks/kit/text.py",
        "from bot.listeners.core import parsing as _parsing",
        "Layers point one way",
        "bot.blocks.kit.text -> bot.listeners.core.parsing",
    ),
    "two sibling modules import each other": Violation(
        "bot/cli/common.py",
        "from bot.cli import digest as _digest",
        "No import cycles",
        "No cycles are allowed in bot.cli.",
    ),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """lint-imports' report on a copy of the tree with every violation added (one run)."""
    tree = tmp_path_factory.mktemp("tree")
    for package in ("bot", "storage"):
        shutil.copytree(
            REPO / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tree / "pyproject.toml")
    for violation in VIOLATIONS.values():
        module = tree / violation.module
        module.write_text(module.read_text() + f"\n{violation.line}  # noqa\n")
    (tree / "bot" / "stray.py").write_text('"""A top-level module in no layer."""\n')
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0, done.stdout
    return done.stdout


@pytest.mark.parametrize("name", VIOLATIONS)
def test_contracts_refuse_each_forbidden_import(report: str, name: str):
    violation = VIOLATIONS[name]

    broken = _broken_section(report, violation.contract)

    assert violation.shown in broken, broken


def test_contracts_refuse_a_top_level_module_in_no_layer(report: str):
    broken = _broken_section(report, "Layers point one way")

    assert "bot.stray" in broken


def _broken_section(report: str, contract: str) -> str:
    """The part of the report under the broken contract whose name contains `contract`."""
    _, _, details = report.partition("Broken contracts")
    # Each contract's section opens with its name (wrapped at 80 columns) over a dashed line.
    headers = list(re.finditer(r"\n\n((?:[^\n-][^\n]*\n)+)-{5,}\n", details))
    sections = {
        " ".join(h.group(1).split()): details[
            h.end() : (headers[i + 1].start() if i + 1 < len(headers) else None)
        ]
        for i, h in enumerate(headers)
    }
    found = [text for name, text in sections.items() if contract in name]
    assert found, f"{contract!r} is not reported broken:\n{report}"
    return "\n".join(found)
