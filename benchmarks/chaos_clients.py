"""The people of the chaos benchmark (chaos.py), each a thread speaking HTTP to gunicorn:
autosaving writers, people asking for exports, an owner inviting members. Each records
what the server answered; the benchmark compares that with the database at the end."""

import http.cookiejar
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 60  # seconds; gunicorn's own worker timeout is 30
# As the page's script does (static/js/app.js): pauses between retries of a failed save.
RETRY_DELAYS = [1, 2, 4, 8, 15, 30]
REVISION = re.compile(r'name="(?P<key>[\w-]+)__revision" value="(?P<revision>\d+)"')
SAVED = re.compile(r">(Saved at \d\d:\d\d|Saved)</span>")
REFUSED = re.compile(r"Not saved: (?P<reason>[^<]*)")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


@dataclass
class Reply:
    status: int  # 0: no answer (refused, reset, timed out)
    body: str
    location: str = ""


@dataclass
class Tally:
    """What every client saw, by kind of request; shared by the threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)  # (what, status) -> count
    refusals: Counter = field(default_factory=Counter)  # reason -> count
    samples: dict = field(default_factory=dict)  # (what, status) -> a body's start

    def count(self, what: str, reply: Reply) -> None:
        with self.lock:
            self.statuses[what, reply.status] += 1
            if reply.status == 0 or reply.status >= 500:
                self.samples.setdefault((what, reply.status), reply.body[:300])

    def refused(self, reason: str) -> None:
        with self.lock:
            self.refusals[reason] += 1


class Browser:
    """One signed-in person: a cookie jar and the CSRF token Django gave it."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects
        )

    def csrf_token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None, htmx: bool = False) -> Reply:
        headers = {"X-CSRFToken": self.csrf_token()} if data is not None else {}
        if htmx:
            headers["HX-Request"] = "true"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Reply(response.status, response.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            return Reply(error.code, text, error.headers.get("Location", ""))
        except (urllib.error.URLError, OSError) as error:
            return Reply(0, f"{type(error).__name__}: {error}")

    def log_in(self, username: str, password: str) -> None:
        for _ in range(5):
            self.request("/accounts/login/")
            reply = self.request(
                "/accounts/login/",
                {"username": username, "password": password, "csrfmiddlewaretoken": ""},
            )
            if reply.status == 302:
                return
            time.sleep(1)
        raise RuntimeError(f"{username} could not log in: {reply.status} {reply.body[:200]}")


@dataclass
class Save:
    value: str
    revision: int
    at: float


class AutosavingWriter:
    """A writer typing into one long-text question of their own plan: a new text every
    few seconds, each sent as the page's autosave sends it and retried as the page retries
    it (the same text, growing pauses) until the server acknowledges it."""

    def __init__(self, *, browser: Browser, index: int, plan_id: int, phase: str, key: str):
        self.browser = browser
        self.index = index
        self.path = f"/plans/{plan_id}/phases/{phase}/questions/{key}/"
        self.phase_path = f"/plans/{plan_id}/phases/{phase}/"
        self.key = key
        self.revision = 0
        self.sent: list[str] = []
        self.acknowledged: list[Save] = []
        self.gave_up: list[str] = []

    def run(self, *, tally: Tally, typing: threading.Event, retrying: threading.Event) -> None:
        """Type while `typing` is set; retry an unsaved text while `retrying` is set."""
        number = 0
        while typing.is_set():
            number += 1
            value = f"Writer {self.index}, text {number}: {random.getrandbits(64):016x}"
            self.sent.append(value)
            if not self.save(value, tally=tally, retrying=retrying):
                self.gave_up.append(value)
            time.sleep(random.uniform(1.5, 3.5))  # noqa: S311

    def save(self, value: str, *, tally: Tally, retrying: threading.Event) -> bool:
        attempt = 0
        while True:
            reply = self.browser.request(
                self.path, {self.key: value, f"{self.key}__revision": self.revision}, htmx=True
            )
            tally.count("autosave", reply)
            if reply.status == 200 and SAVED.search(reply.body):
                self.revision = int(REVISION.search(reply.body)["revision"])
                self.acknowledged.append(Save(value, self.revision, time.monotonic()))
                return True
            if reply.status == 200 and (refusal := REFUSED.search(reply.body)):
                tally.refused(refusal["reason"])
                self.reload_revision(tally)
            if not retrying.is_set():
                return False
            time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
            attempt += 1

    def reload_revision(self, tally: Tally) -> None:
        """What a person does after a refusal: reload the page."""
        reply = self.browser.request(self.phase_path)
        tally.count("phase page", reply)
        for match in REVISION.finditer(reply.body):
            if match["key"] == self.key:
                self.revision = int(match["revision"])


class Requester:
    """Someone who posts a form every few seconds while `typing` is set: asks for an
    export (alternately PDF and Word), or invites a new address to a plan."""

    def __init__(self, *, browser: Browser, what: str, path: str, pause: tuple[float, float]):
        self.browser = browser
        self.what = what
        self.path = path
        self.pause = pause
        self.posted = 0

    def form(self, number: int) -> dict:
        if self.what == "export":
            return {"format": "pdf" if number % 2 else "docx", "return_to": "exports"}
        return {"email": f"invitee-{number}@example.org", "role": "viewer"}

    def run(self, *, tally: Tally, typing: threading.Event, retrying: threading.Event) -> None:
        while typing.is_set():
            self.posted += 1
            tally.count(self.what, self.browser.request(self.path, self.form(self.posted)))
            time.sleep(random.uniform(*self.pause))  # noqa: S311
