"""`backlog-bot run`: migrate, start the scheduler, serve Slack over HTTP or Socket Mode.

Either way /healthz, /metrics and the ingest API are served over HTTP on --host/--port.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import aiohttp
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.types import ASGIApp

from bot.bootstrap.container import Services
from bot.bootstrap.from_settings import services_from
from bot.bootstrap.jobs import JobTiming, schedule_jobs
from bot.bootstrap.slack_app import build_app, slack_session
from bot.cli.logs import configure_logging
from bot.cli.slack_check import check_slack
from bot.http.access import AccessRecorder
from bot.http.app import build_web
from bot.http.socket_mode import ObservedSocketModeHandler
from bot.jobs.core.running import RunningJobs
from bot.listeners.core.background import Background
from bot.settings import Settings

log = logging.getLogger(__name__)
GRACEFUL_SHUTDOWN_SECONDS = 10
# Idle keep-alive connections stay open longer than a load balancer keeps its own (AWS ALB and
# nginx: 60 s): otherwise the bot may close one just as the balancer sends on it (a 502).
KEEP_ALIVE_SECONDS = 75


# What the sandbox puts in front of the bot's own routes (its page, stream and Web API hooks).
WebWrapper = Callable[[Starlette, Services], ASGIApp]


async def serve(
    settings: Settings, host: str, port: int, wrap_web: WebWrapper | None = None
) -> None:
    """Run until SIGTERM or SIGINT; in-flight requests finish before the process exits."""
    configure_logging(settings.log_level, settings.log_format)
    # The bot logs each migration with its step number (storage.core.migrate); Alembic's own
    # lines name revision ids, which were not given in upgrade order.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    async with slack_session(settings) as session:
        await _check_tokens(settings, session)
    services = services_from(settings)
    await services.migrate()
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    jobs = RunningJobs(scheduler)
    scheduler.start()
    background = Background()
    failure: str | None = None
    try:
        async with slack_session(settings) as session:
            app = build_app(settings, services, session, background)
            timing = JobTiming(
                zone=settings.timezone,
                alert_seconds=settings.alert_interval_seconds,
                sync_minutes=settings.upstream_interval_minutes,
                digest_sweep_seconds=settings.digest_sweep_seconds,
            )
            digests = schedule_jobs(scheduler, services, app.client, timing)
            await digests.start()
            web = _web(app, services, settings)
            served = web if wrap_web is None else wrap_web(web, services)
            server = _Server(_uvicorn_config(served, host, port))
            try:
                if settings.socket_mode:
                    await _serve_socket_mode(app, web, server, settings)
                else:
                    _on_stop_signals(lambda: setattr(server, "should_exit", True))
                    log.info("serving Slack over HTTP on http://%s:%d/slack/events", host, port)
                    await _listen(server)
            except CannotListen as exc:
                failure = str(exc)
            await _finish_work(scheduler, jobs, background)
    finally:
        scheduler.shutdown(wait=False)
        await services.close()
    if failure is not None:
        log.error("%s: stopped", failure)
        raise SystemExit(1)
    log.info("stopped")


class CannotListen(Exception):
    """The HTTP port could not be opened (taken, or not allowed)."""


async def _listen(server: uvicorn.Server) -> None:
    """Serve HTTP until the server is told to exit; CannotListen if it cannot start."""
    try:
        await server.serve()
    except SystemExit:
        # uvicorn logs why (address already in use…) and exits: stop cleanly instead.
        config = server.config
        raise CannotListen(f"cannot listen on {config.host}:{config.port}") from None


async def _check_tokens(settings: Settings, session: aiohttp.ClientSession) -> None:
    """auth.test with each token before serving: a wrong one stops the start, not a command."""
    # No retry handlers: one clear answer, not a retry logged before it.
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = AsyncWebClient(
        token=token, base_url=settings.slack_api_url, session=session, retry_handlers=[]
    )
    auth = await check_slack(client.auth_test, "SLACK_BOT_TOKEN", settings.slack_api_url)
    log.info("Slack knows the token: bot %s in workspace %s", auth.get("user"), auth.get("team"))
    if settings.slack_app_token is not None and settings.socket_mode:
        # An app-level token opens Socket Mode connections and little else: try exactly that.
        app_token = settings.slack_app_token.get_secret_value()
        await check_slack(
            partial(client.apps_connections_open, app_token=app_token),
            "SLACK_APP_TOKEN",
            settings.slack_api_url,
        )


async def _finish_work(
    scheduler: AsyncIOScheduler, jobs: RunningJobs, background: Background
) -> None:
    """Start no more job runs; let running ones and the work after acks end (Slack still
    reachable), for up to GRACEFUL_SHUTDOWN_SECONDS."""
    scheduler.pause()
    try:
        async with asyncio.timeout(GRACEFUL_SHUTDOWN_SECONDS):
            await asyncio.gather(jobs.idle(), background.drain())
    except TimeoutError:
        # Whatever a cut-off run had claimed is taken over by another process after its lease.
        log.warning("stopping with %d job run(s) or follow-ups unfinished", jobs.running)


def _web(app: AsyncApp, services: Services, settings: Settings) -> Starlette:
    token = settings.backlog_api_token.get_secret_value() if settings.backlog_api_token else None
    secret = settings.slack_signing_secret
    return build_web(
        app,
        services,
        api_token=token,
        signing_secret=secret.get_secret_value() if secret else "",
        socket_mode=settings.socket_mode,
    )


def _uvicorn_config(web: ASGIApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        web,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        # uvicorn's loggers then go through the bot's handler (text or JSON, bot.cli.logs).
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


async def _serve_socket_mode(
    app: AsyncApp, web: Starlette, server: uvicorn.Server, settings: Settings
) -> None:
    """Slack over Socket Mode; /healthz, /metrics and the ingest API over HTTP beside it."""
    assert settings.slack_app_token is not None
    recorder = AccessRecorder(web.state.metrics)
    token = settings.slack_app_token.get_secret_value()
    handler = ObservedSocketModeHandler(app, token, recorder)
    stop = asyncio.Event()

    def stopping() -> None:
        stop.set()
        server.should_exit = True

    _on_stop_signals(stopping)
    config = server.config
    log.info("serving /healthz, /metrics and /api/ on http://%s:%d", config.host, config.port)
    serving = asyncio.create_task(_listen(server))
    # Connecting may retry for a long time (Slack unreachable): a stop signal still wins.
    connecting = asyncio.create_task(handler.connect_async())  # type: ignore[no-untyped-call]
    connecting.add_done_callback(_log_connect_outcome)
    stopped = asyncio.create_task(stop.wait())
    # A stop signal, or an HTTP port that cannot be opened, ends both.
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopped.cancel()
    connecting.cancel()
    await handler.close_async()  # type: ignore[no-untyped-call]
    await serving


def _log_connect_outcome(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.error("Socket Mode connection failed", exc_info=task.exception())
    else:
        log.info("connected to Slack over Socket Mode")


class _Server(uvicorn.Server):
    """uvicorn without its own signal capture, which re-raises the signal after shutting down.

    The bot's handlers set should_exit instead: stop accepting, let open requests finish
    (up to GRACEFUL_SHUTDOWN_SECONDS), close the database, exit 0.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _on_stop_signals(callback: Callable[[], object]) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, callback)
