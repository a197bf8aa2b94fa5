import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from microcred import celery_app
from microcred.webhooks.signing import signature_matches
from tests.reports.broker import broker_fixture  # noqa: F401  (the `broker` fixture)

# How old a timestamp the receiver accepts, as the docs advise receivers.
TOLERANCE_SECONDS = 300


@dataclass
class Received:
    headers: dict
    body: bytes
    verified: bool

    @property
    def payload(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on loopback, as a site's would be: it checks each request's
    signature and timestamp under `secret` (401 when wrong), and answers `statuses` in
    turn (the last one again and again)."""

    url: str = ""
    secret: str = ""
    statuses: list[int] = field(default_factory=lambda: [204])
    received: list[Received] = field(default_factory=list)

    def check(self, headers, body: bytes) -> bool:
        try:
            timestamp = int(headers.get("Webhook-Timestamp", ""))
        except ValueError:
            return False
        if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
            return False
        return signature_matches(
            secret=self.secret,
            timestamp=timestamp,
            body=body,
            header=headers.get("Webhook-Signature", ""),
        )

    def answer(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            verified = state.check(self.headers, body)
            state.received.append(Received(dict(self.headers), body, verified))
            status = state.answer() if verified else 401
            reply = b"" if status == 204 else f"answered {status}".encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/microcred?plan=1"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    """Tasks run in-process (the embedded default), whatever this test run's broker."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
