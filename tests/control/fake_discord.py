"""A loopback fake of the part of Discord's REST API the control uses: a channel's messages, read and posted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

import attrs
from loopback_http import serving

TOKEN = "BOT-TOKEN-SECRET-123"


@attrs.define
class FakeDiscord:
    """Channel ``42``'s messages (ids grow), what the bot posted, the auth headers seen, scripted 429s."""

    messages: list[dict[str, object]] = attrs.Factory(list)
    posted: list[dict[str, object]] = attrs.Factory(list)
    auth: list[str] = attrs.Factory(list)
    rate_limited: int = 0
    gets: int = 0
    scheduled: dict[int, tuple[str, str]] = attrs.Factory(dict)  # after GET n, this user says this
    status: int = 200
    api: str = ""
    _next: int = 1000
    lock: threading.Lock = attrs.Factory(threading.Lock)

    def say(self, user: str, content: str, bot: bool = False) -> str:
        """A user posts ``content`` in the channel."""
        with self.lock:
            self._next += 1
            mid = str(self._next)
            self.messages.append({"id": mid, "content": content, "author": {"id": user, "bot": bot}})
        return mid


@contextmanager
def fake_discord() -> Iterator[FakeDiscord]:
    fake = FakeDiscord()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _gate(self) -> bool:
            fake.auth.append(self.headers.get("Authorization", ""))
            if self.headers.get("Authorization") != f"Bot {TOKEN}":
                self._answer(401, {"message": "401: Unauthorized", "code": 0})
                return False
            if fake.status != 200:
                self._answer(fake.status, {"message": "scripted"})
                return False
            if fake.rate_limited:
                fake.rate_limited -= 1
                self._answer(429, {"message": "You are being rate limited.", "retry_after": 0.05, "global": False})
                return False
            return True

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path != "/api/v10/channels/42/messages":
                self._answer(404, {"message": "Unknown Channel"})
                return
            if not self._gate():
                return
            query = parse_qs(url.query)
            limit = int(query.get("limit", ["50"])[0])
            after = int(query.get("after", ["0"])[0])
            with fake.lock:
                found = [m for m in fake.messages if int(str(m["id"])) > after] if "after" in query else fake.messages
                newest_first = sorted(found, key=lambda m: -int(str(m["id"])))
            chosen = newest_first[-limit:] if "after" in query else newest_first[:limit]
            self._answer(200, chosen)
            fake.gets += 1
            if fake.gets in fake.scheduled:
                fake.say(*fake.scheduled[fake.gets])

        def do_POST(self) -> None:
            if not self._gate():
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            with fake.lock:
                fake.posted.append(body)
            self._answer(200, {"id": "1", **body})

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as port:
        fake.api = f"http://127.0.0.1:{port}/api/v10"
        yield fake
