"""Baseline for the Slack benchmarks: a Bolt AsyncApp whose /backlog and buttons only ack.

Same stack as the bot (AsyncApp with process_before_response=True, Starlette adapter, uvicorn),
so the difference in a benchmark is the bot's own work; with "default" it keeps Bolt's default
process_before_response=False, whose ack polling adds about 10 ms to every request.
"""

from __future__ import annotations

import os
import re
import sys

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(process_before_response: bool) -> Starlette:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=process_before_response,
    )

    @app.command("/backlog")
    async def only_ack(ack: AsyncAck) -> None:
        await ack(response_type="ephemeral", text="ok")

    @app.action(re.compile(".*"))
    async def only_ack_click(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


if __name__ == "__main__":
    # argv: PORT [default]: "default" keeps Bolt's process_before_response=False (ack polling).
    tuned = not (len(sys.argv) > 2 and sys.argv[2] == "default")
    uvicorn.run(build(tuned), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
