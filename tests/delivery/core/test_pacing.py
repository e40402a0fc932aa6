"""The per-channel pacer: one message per channel per second, in the order asked."""

from __future__ import annotations

import asyncio

from tests.kit.pace import VirtualTime


async def test_pacer_spaces_messages_to_one_channel_a_second_apart():
    time = VirtualTime()
    pacer = time.pacer()
    start = time.now
    turns = []

    for _ in range(3):
        await pacer.turn("C1")
        turns.append(time.now - start)

    assert turns == [0.0, 1.0, 2.0]


async def test_pacer_lets_other_channels_go_at_once():
    time = VirtualTime()
    pacer = time.pacer()

    await pacer.turn("C1")
    await pacer.turn("C2")
    await pacer.turn("D3")

    assert time.now == 1_000.0


async def test_pacer_queues_concurrent_posters_in_the_order_they_asked():
    time = VirtualTime()
    pacer = time.pacer()
    order: list[str] = []

    async def post(name: str) -> None:
        await pacer.turn("C1")
        order.append(name)

    await asyncio.gather(post("digest"), post("alert"), post("report"))

    assert order == ["digest", "alert", "report"]
