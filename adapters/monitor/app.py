"""The dashboard's ASGI app (Starlette): the page, its state as JSON and a live stream, metrics, health, control."""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from adapters.monitor.metrics import metrics_text

Control = Callable[[str, str], Awaitable[str]]
PAGE = resources.files("adapters.monitor").joinpath("dashboard.html").read_text(encoding="utf-8")


class CachedState:
    """The board's picture, computed at most every ``max_age_s`` and shared by every viewer as the same bytes."""

    def __init__(self, picture: Callable[[], dict[str, Any]], max_age_s: float = 0.25) -> None:
        self.picture = picture
        self.max_age_s = max_age_s
        self._at = -1e9
        self._data: dict[str, Any] = {}
        self._bytes = b"{}"

    def get(self) -> tuple[dict[str, Any], bytes]:
        """The picture and its JSON, fresh enough."""
        now = time.monotonic()
        if now - self._at >= self.max_age_s:
            self._data = self.picture()
            self._bytes = json.dumps(self._data, separators=(",", ":"), default=str).encode()
            self._at = now
        return self._data, self._bytes


def _denied() -> Response:
    return PlainTextResponse("unauthorized", status_code=401)


def build_app(state: CachedState, token: str | None, *, open_reads: bool, control: Control | None,
              stream_period_s: float = 1.0) -> Starlette:
    """The app: read routes open on loopback without a token (``open_reads``), control always behind the token.

    The token is read from a header (``Authorization: Bearer ...``) or the ``token``
    query parameter (the page's live stream cannot set headers). Refusals say nothing
    more than ``unauthorized`` or ``not found``.
    """

    def allowed(request: Request, *, reading: bool) -> bool:
        if reading and open_reads:
            return True
        if not token:
            return False
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or request.query_params.get("token", "")
        return hmac.compare_digest(given.encode(), token.encode())

    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE) if allowed(request, reading=True) else _denied()

    async def api_state(request: Request) -> Response:
        if not allowed(request, reading=True):
            return _denied()
        return Response(state.get()[1], media_type="application/json")

    async def stream(request: Request) -> Response:
        if not allowed(request, reading=True):
            return _denied()

        async def events() -> AsyncIterator[bytes]:
            last = b""
            while not await request.is_disconnected():
                data = state.get()[1]
                if data != last:
                    last = data
                    yield b"data: " + data + b"\n\n"
                await asyncio.sleep(stream_period_s)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def metrics(request: Request) -> Response:
        if not allowed(request, reading=True):
            return _denied()
        return Response(metrics_text(lambda: state.get()[0]), media_type="text/plain; version=0.0.4")

    async def health(request: Request) -> Response:
        if not allowed(request, reading=True):
            return _denied()
        verdict = state.get()[0]["health"]
        return JSONResponse(verdict, status_code=503 if verdict["status"] == "down" else 200)

    async def act(request: Request) -> Response:
        if control is None or not allowed(request, reading=False):
            return _denied()
        action = request.path_params["action"]
        try:
            done = await control(action, request.client.host if request.client else "?")
        except ValueError:
            return PlainTextResponse("not found", status_code=404)
        state._at = -1e9  # the next read shows the action's effect
        return JSONResponse({"done": done})

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("not found", status_code=404)

    routes = [Route("/", page), Route("/api/state", api_state), Route("/api/stream", stream),
              Route("/metrics", metrics), Route("/health", health),
              Route("/api/control/{action}", act, methods=["POST"])]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
