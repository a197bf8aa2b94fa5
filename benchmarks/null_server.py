"""A server that costs nothing, for benchmarks/editing.py to measure its own client against:
it answers every request at once (asyncio, in a thread of the benchmark's process) with
the fragment of a saved bare note, its revision one more than the one posted. What wrk
and editing.lua reach against it is the client's ceiling."""

import asyncio
import contextlib
import re
import threading
from collections.abc import Iterator

POSTED_REVISION = re.compile(rb"(?:^|&)revision=(\d+)")
NOTE_PATH = re.compile(rb"^[A-Z]+ /notes/(\d+)/")
CONTENT_LENGTH = re.compile(rb"(?im)^content-length: *(\d+)")


def _fragment(head: bytes, body: bytes) -> bytes:
    note = NOTE_PATH.search(head)
    revision = POSTED_REVISION.search(body)
    content = (
        f'<input type="hidden" name="note-{int(note.group(1)) if note else 0}-revision" '
        f'value="{int(revision.group(1)) + 1 if revision else 0}"><span>Saved</span>'
    ).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (
        len(content),
        content,
    )


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            body = await reader.readexactly(int(length.group(1))) if length else b""
            writer.write(_fragment(head, body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@contextlib.contextmanager
def null_server(port: int) -> Iterator[None]:
    # The loop starts and runs in its own thread: the calling thread may be running a loop
    # of its own already (Playwright's, in a test process), where no other can run.
    loop = asyncio.new_event_loop()
    started: list[asyncio.Server] = []
    listening = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        started.append(
            loop.run_until_complete(asyncio.start_server(_answer, "127.0.0.1", port, backlog=128))
        )
        listening.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not listening.wait(timeout=10):
        raise RuntimeError(f"The null server did not start on port {port}.")
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(_shut_down(started[0]), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


async def _shut_down(server: asyncio.Server) -> None:
    """Stop listening and end the connections still open."""
    server.close()
    answering = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in answering:
        task.cancel()
    await asyncio.gather(*answering, return_exceptions=True)
