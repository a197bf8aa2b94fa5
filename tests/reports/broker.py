"""Switch the broker that tasks are sent to within a test: one that refuses connections
(a closed port, as when the broker's address is wrong or it is down), none at all (tasks
run in-process, as `make run` does), or this test run's own broker again."""

import pytest

from microcred import celery_app

# Nothing listens on port 1: connecting is refused at once, as by a broker that is down.
REFUSING_BROKER_URL = "redis://127.0.0.1:1/0"


def forget_broker_connections():
    # Celery keeps a pool of connections (and producers) to the broker it first sent to;
    # without them it connects afresh to the broker configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class BrokerSwitch:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def refuse(self):
        """From now on, every hand-off to the broker fails."""
        self._use(url=REFUSING_BROKER_URL, eager=False)

    def in_process(self):
        """The broker is back, here as the embedded default: tasks run in-process."""
        self._use(url=None, eager=True)

    def configured(self):
        """The broker is back: this test run's own (a worker must consume the tasks)."""
        self._use(url=None, eager=False)

    def _use(self, *, url, eager):
        # Tasks are sent to the write URL; the broker URL itself is taken from the
        # environment (CELERY_BROKER_URL) before any configuration.
        self.monkeypatch.setitem(celery_app.conf, "broker_write_url", url)
        self.monkeypatch.setitem(celery_app.conf, "task_always_eager", eager)
        forget_broker_connections()


@pytest.fixture(name="broker")
def broker_fixture(monkeypatch):
    switch = BrokerSwitch(monkeypatch)
    yield switch
    monkeypatch.undo()  # the configured broker again, before forgetting the refusing one
    forget_broker_connections()
