"""A TCP proxy on loopback in front of PostgreSQL, for the chaos benchmark (chaos.py):
the application connects through it, and the benchmark makes the database refuse
connections by sending it a signal. Run as its own process, so that the benchmark's
client threads do not slow the database traffic down:

    python benchmarks/chaos_proxy.py LISTEN_PORT TARGET_PORT

SIGUSR1: refuse. The listening socket closes (a new connection is refused) and every
connection open through the proxy is cut, as when PostgreSQL restarts or its host drops
off the network. SIGUSR2: accept connections again. SIGTERM: stop.
"""

import asyncio
import signal
import sys

HOST = "127.0.0.1"
CHUNK = 65536


class Proxy:
    def __init__(self, listen_port: int, target_port: int):
        self.listen_port = listen_port
        self.target_port = target_port
        self.server: asyncio.Server | None = None
        self.open_streams: set[asyncio.StreamWriter] = set()

    async def accept(self) -> None:
        if self.server is None:
            self.server = await asyncio.start_server(self.serve, HOST, self.listen_port)

    async def refuse(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.open_streams):
            writer.transport.abort()
        self.open_streams.clear()

    async def serve(self, client_reader, client_writer) -> None:
        try:
            target_reader, target_writer = await asyncio.open_connection(HOST, self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self.open_streams.update((client_writer, target_writer))
        await asyncio.gather(
            self.pump(client_reader, target_writer), self.pump(target_reader, client_writer)
        )
        self.open_streams.difference_update((client_writer, target_writer))

    @staticmethod
    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


async def main(listen_port: int, target_port: int) -> None:
    proxy = Proxy(listen_port, target_port)
    await proxy.accept()
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(proxy.refuse()))
    loop.add_signal_handler(signal.SIGUSR2, lambda: asyncio.ensure_future(proxy.accept()))
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    print("ready", flush=True)
    await stopped.wait()
    await proxy.refuse()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
