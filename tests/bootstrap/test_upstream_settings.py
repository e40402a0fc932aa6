"""UPSTREAM_* settings: parsed from the environment, clear errors, wired into the sync."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.bootstrap.from_settings import upstream_from
from bot.settings import Settings
from storage.orders.tables import OrderStatus


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


async def test_upstream_settings_build_the_sync_setup(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(
        monkeypatch,
        UPSTREAM_URL="https://erp.example.com/api/orders?tenant=7",
        UPSTREAM_TOKEN="t0ken",
        UPSTREAM_HEADER="X-Api-Key: k3y",
        UPSTREAM_INTERVAL_MINUTES="5",
        UPSTREAM_MAP="order_id=number, customer=customer.name",
        UPSTREAM_STATUS_MAP="In Transit=Confirmed,Held=backordered",
        UPSTREAM_PAGINATION="page",
    )

    setup = upstream_from(settings)

    assert setup is not None
    assert settings.upstream_headers == {"Authorization": "Bearer t0ken", "X-Api-Key": "k3y"}
    assert dict(setup.mapping.fields) == {"order_id": "number", "customer": "customer.name"}
    assert dict(setup.mapping.status_map) == {
        "In Transit": OrderStatus.CONFIRMED,
        "Held": OrderStatus.BACKORDERED,
    }
    assert setup.plan.source == "https://erp.example.com/api/orders"
    assert setup.plan.every.total_seconds() == 300
    await setup.source.aclose()


def test_without_upstream_url_the_sync_is_off(monkeypatch: pytest.MonkeyPatch):
    assert upstream_from(settings_from(monkeypatch, UPSTREAM_URL="")) is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("UPSTREAM_URL", "ftp://erp", "is not an http(s) URL"),
        ("UPSTREAM_HEADER", "X-Api-Key k3y", "must be 'Header-Name: value'"),
        ("UPSTREAM_MAP", "colour=paint", "unknown field(s) colour; fields are: order_id"),
        ("UPSTREAM_MAP", "order_id", "'order_id' is not FIELD=KEY"),
        ("UPSTREAM_STATUS_MAP", "Held=paused", "Held=paused: the status must be one of"),
        ("UPSTREAM_PAGINATION", "offset", "'cursor' or 'page'"),
        ("UPSTREAM_INTERVAL_MINUTES", "0", "greater than or equal to 1"),
    ],
)
def test_bad_upstream_settings_say_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
):
    with pytest.raises(ValidationError) as failed:
        settings_from(monkeypatch, **{name: value})

    assert message in str(failed.value)
