"""Loopback servers for the notifier tests: an HTTP hook answering from a script, a minimal SMTP server."""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import attrs
from loopback_http import serving


@attrs.define
class Reply:
    """One scripted answer: status, headers, JSON body, and a delay before answering.

    ``hold``: the answer also waits (at most ``HOLD_LIMIT`` seconds) until the test sets this event,
    so a test can tell "did not wait for the network" from "the machine was slow".
    """

    status: int = 204
    headers: dict[str, str] = attrs.Factory(dict)
    body: object = None
    delay: float = 0.0
    hold: threading.Event | None = None


HOLD_LIMIT = 30.0


@attrs.define
class Hook:
    """What the server received (path, headers, body, monotonic time) and what it will answer."""

    script: list[Reply]
    requests: list[tuple[str, dict[str, str], bytes, float]] = attrs.Factory(list)
    url: str = ""


@contextmanager
def webhook_server(script: list[Reply], path: str = "/api/webhooks/1234/SECRET-TOKEN") -> Iterator[Hook]:
    """A loopback HTTP server answering each POST with the next reply (204 once the script is spent)."""
    hook = Hook(list(script))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                hook.requests.append((self.path, dict(self.headers), body, time.monotonic()))
                reply = hook.script.pop(0) if hook.script else Reply()
            time.sleep(reply.delay)
            if reply.hold is not None:
                reply.hold.wait(HOLD_LIMIT)
            data = b"" if reply.body is None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (a timeout under test)
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as port:
        hook.url = f"http://127.0.0.1:{port}{path}"
        yield hook


@attrs.define
class Mailbox:
    """Messages the SMTP server accepted: (sender, recipients, raw data)."""

    messages: list[tuple[str, list[str], bytes]] = attrs.Factory(list)
    port: int = 0
    refuse_first: int = 0  # answer the first N DATA commands with 451 (try again later)
    greylist_first: int = 0  # answer the first N RCPT commands with 450 (greylisted: try again later)
    unknown: tuple[str, ...] = ()  # addresses answered 550 (no such user)


@contextmanager
def smtp_server(refuse_first: int = 0, greylist_first: int = 0, unknown: tuple[str, ...] = ()) -> Iterator[Mailbox]:
    """A minimal SMTP server on loopback (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no auth)."""
    box = Mailbox(refuse_first=refuse_first, greylist_first=greylist_first, unknown=unknown)

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 localhost minimal SMTP")
            sender, recipients = "", []
            while line := self.rfile.readline():
                command = line.decode().strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 localhost")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                    self.reply("250 OK")
                elif verb == "RCPT" and box.greylist_first > 0:
                    box.greylist_first -= 1
                    self.reply("450 4.2.0 greylisted, try again later")
                elif verb == "RCPT" and command.split(":", 1)[1].strip(" <>") in box.unknown:
                    self.reply("550 5.1.1 no such user")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    if box.refuse_first > 0:
                        box.refuse_first -= 1
                        self.reply("451 try again later")
                        continue
                    self.reply("354 end with <CRLF>.<CRLF>")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk
                    box.messages.append((sender, recipients, data))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.port = server.server_address[1]
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
