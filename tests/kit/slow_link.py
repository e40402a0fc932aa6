"""A TCP relay on loopback in front of PostgreSQL whose answers can be slowed or held back:
a database that is slow (a CPU spike) or that does not answer at all (a network partition)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class SlowLink:
    """Forwards client bytes at once; server bytes after `delay` seconds, none while held."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self.delay = 0.0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answers: bool
    ) -> None:
        try:
            while chunk := await reader.read(65536):
                if answers:
                    await self._flowing.wait()
                    await asyncio.sleep(self.delay)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def hold(self) -> None:
        """The database goes silent: nothing it sends arrives."""
        self._flowing.clear()

    def release(self) -> None:
        self._flowing.set()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self._target)
        for task in (
            asyncio.create_task(self._pipe(client_r, server_w, answers=False)),
            asyncio.create_task(self._pipe(server_r, client_w, answers=True)),
        ):
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[SlowLink]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*self._tasks, return_exceptions=True)
