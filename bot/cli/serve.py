"""`backlog-bot run`: migrate, start the scheduler, serve over HTTP or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.types import ASGIApp

from bot.bootstrap.from_settings import services_from
from bot.bootstrap.slack_app import build_app, slack_session
from bot.http.app import build_web
from bot.jobs import JobTiming, schedule_jobs
from bot.jobs.core.running import RunningJobs
from bot.listeners.core.background import Background
from bot.services.container import Services
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
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    services = services_from(settings)
    await services.migrate()
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    jobs = RunningJobs(scheduler)
    scheduler.start()
    background = Background()
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
            if settings.socket_mode:
                await _serve_socket_mode(app, settings)
            else:
                await _serve_http(app, services, settings, host, port, wrap_web)
            await _finish_work(scheduler, jobs, background)
    finally:
        scheduler.shutdown(wait=False)
        await services.close()
    log.info("stopped")


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


async def _serve_http(
    app: AsyncApp,
    services: Services,
    settings: Settings,
    host: str,
    port: int,
    wrap_web: WebWrapper | None = None,
) -> None:
    token = settings.backlog_api_token.get_secret_value() if settings.backlog_api_token else None
    secret = settings.slack_signing_secret
    web = build_web(
        app, services, api_token=token, signing_secret=secret.get_secret_value() if secret else ""
    )
    config = uvicorn.Config(
        web if wrap_web is None else wrap_web(web, services),
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = _Server(config)
    _on_stop_signals(lambda: setattr(server, "should_exit", True))
    log.info("serving Slack over HTTP on http://%s:%d/slack/events", host, port)
    await server.serve()


async def _serve_socket_mode(app: AsyncApp, settings: Settings) -> None:
    assert settings.slack_app_token is not None
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value())
    stop = asyncio.Event()
    _on_stop_signals(stop.set)
    # Connecting may retry for a long time (Slack unreachable): a stop signal still wins.
    connecting = asyncio.create_task(handler.connect_async())  # type: ignore[no-untyped-call]
    connecting.add_done_callback(_log_connect_outcome)
    await stop.wait()
    connecting.cancel()
    await handler.close_async()  # type: ignore[no-untyped-call]


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
