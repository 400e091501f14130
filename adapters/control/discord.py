"""Two-way control from Discord: a bot polls one channel for ``!mia`` commands of allow-listed users.

Commands go through the same path as ``mia risk stop`` / ``rearm`` (the catastrophe
latch in the session's state file, which a running session reads at its next event);
each command, allowed or refused, is journalled and answered in the channel. The bot
token comes only from the environment and is never logged or put in an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs
import httpx

from adapters.notifiers.http import retry_after
from adapters.risk import control
from adapters.risk.store import read_latch, read_status
from mia_core.journal import JournalEntry, record
from mia_core.risk.catastrophe import money

log = logging.getLogger("mia.control")
API = "https://discord.com/api/v10"
COMMANDS = ("status", "halt", "flatten", "rearm", "help")
LIMIT = 2000  # Discord's longest message
USER_AGENT = "DiscordBot (https://github.com/mia-trading/mia, 1)"  # the form Discord asks bots for


class ControlError(RuntimeError):
    """The control cannot go on (a refused token, a channel it may not read); never holds the token."""


class Journal(Protocol):
    """Where each command is recorded."""

    def record(self, entry: JournalEntry) -> None: ...


@attrs.frozen
class DiscordControlConfig:
    """The channel to read, who may command, the variable holding the bot token, the poll interval."""

    channel_id: str
    allowed_user_ids: tuple[str, ...]
    token_env: str = "MIA_DISCORD_BOT_TOKEN"
    poll_seconds: float = attrs.field(default=5.0, validator=attrs.validators.and_(attrs.validators.ge(0.01),
                                                                                  attrs.validators.le(3600)))
    prefix: str = "!mia"
    api: str = API


class DiscordControl:
    """Reads new messages of the channel, acts on allow-listed ``!mia`` commands, replies, journals.

    Only messages posted after the control started count: the first poll takes the
    newest message as its starting point, so a command left in the channel's history is
    never replayed.
    """

    def __init__(self, config: DiscordControlConfig, state_file: Path, journal: Journal,
                 environ: Mapping[str, str], client: httpx.Client | None = None,
                 now_ns: Callable[[], int] = time.time_ns) -> None:
        if not config.allowed_user_ids:
            raise ControlError("discord control: no allowed user id; name at least one (--allow USER_ID)")
        token = environ.get(config.token_env, "").strip()
        if not token:
            raise ControlError(f"discord control: set the environment variable {config.token_env} to the bot token")
        self.config = config
        self.state_file = state_file
        self.journal = journal
        self.now_ns = now_ns
        self._headers = {"Authorization": f"Bot {token}", "User-Agent": USER_AGENT}
        self._client = client or httpx.Client(timeout=10.0)
        self._after: str | None = None
        self.wait_hint: float | None = None

    def __repr__(self) -> str:  # the token stays out of every representation
        return f"DiscordControl(channel={self.config.channel_id!r}, token_env={self.config.token_env!r})"

    def _url(self, tail: str = "") -> str:
        return f"{self.config.api}/channels/{self.config.channel_id}/messages{tail}"

    def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """One request; ``None`` after a 429 (``wait_hint`` set) or a network failure (logged without secrets)."""
        try:
            response = self._client.request(method, url, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("discord control: %s failed (%s)", method, type(exc).__name__)
            return None
        if response.status_code == 429:
            self.wait_hint = retry_after(response)
            return None
        if response.status_code in (401, 403, 404):
            what = {401: f"the bot token in {self.config.token_env} was refused",
                    403: f"the bot may not read or write channel {self.config.channel_id}",
                    404: f"no channel {self.config.channel_id}"}[response.status_code]
            raise ControlError(f"discord control: HTTP {response.status_code}: {what}")
        if response.status_code >= 400:
            log.warning("discord control: %s answered HTTP %s", method, response.status_code)
            return None
        return response

    def poll_once(self) -> list[dict[str, Any]]:
        """Read the messages since the last poll and act on them; returns what was done (also journalled)."""
        self.wait_hint = None
        if self._after is None:
            response = self._call("GET", self._url(), params={"limit": 1})
            if response is not None:
                messages = response.json()
                self._after = str(messages[0]["id"]) if messages else "0"
            return []
        response = self._call("GET", self._url(), params={"after": self._after, "limit": 50})
        if response is None:
            return []
        messages = sorted(response.json(), key=lambda m: int(m["id"]))
        done = []
        for message in messages:
            self._after = str(message["id"])
            outcome = self._handle(message)
            if outcome is not None:
                done.append(outcome)
        return done

    def _handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        author = message.get("author") or {}
        words = str(message.get("content") or "").split()
        if author.get("bot") or not words or words[0] != self.config.prefix:
            return None
        command = words[1].lower() if len(words) > 1 else "help"
        argument = " ".join(words[2:])
        user = str(author.get("id", ""))
        if user not in self.config.allowed_user_ids:
            outcome, reply = "refused", f"refused: user {user} is not on this session's allow list"
        elif command not in COMMANDS:
            outcome, reply = "unknown", f"unknown command {command!r}; {self._help()}"
        else:
            try:
                outcome, reply = "done", self._act(command, argument, user)
            except (OSError, ValueError) as exc:  # the latch file unwritable or unreadable: say so, go on
                log.warning("discord control: %s failed (%s)", command, type(exc).__name__)
                why = type(exc).__name__ + (f": {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else "")
                outcome, reply = "failed", f"failed: {command} could not be done ({why}); use `mia risk` on the machine"
        entry = {"source": "discord", "user": user, "command": command, "argument": argument,
                 "outcome": outcome, "message_id": str(message.get("id")), "reply": reply}
        self.journal.record(record(self.now_ns(), "control", dict(entry)))
        self._reply(str(message.get("id")), reply)
        return entry

    def _help(self) -> str:
        p = self.config.prefix
        return (f"commands: `{p} status`, `{p} halt [reason]`, `{p} flatten [reason]` (both trip the latch: "
                f"orders cancelled, position flattened, no entries), `{p} rearm`")

    def _act(self, command: str, argument: str, user: str) -> str:
        if command == "status":
            return status_text(self.state_file)
        if command == "help":
            return self._help()
        if command == "rearm":
            before = control.rearm(self.state_file)
            return f"re-armed ({control.describe(before)}): entries resume at the session's next event"
        reason = f"discord {command} by {user}" + (f": {argument}" if argument else "")
        before = control.manual_stop(self.state_file, reason)
        return (f"latched ({reason}; {control.describe(before)}): the session cancels its orders, flattens and "
                f"stops entries at its next event; `{self.config.prefix} rearm` to resume")

    def _reply(self, message_id: str, text: str) -> None:
        content = text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"
        body = {"content": content, "allowed_mentions": {"parse": []},
                "message_reference": {"message_id": message_id, "fail_if_not_exists": False}}
        self._call("POST", self._url(), json=body)

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set (waiting what a 429 asks, else ``poll_seconds``)."""
        while not stop.is_set():
            self.poll_once()
            stop.wait(self.wait_hint if self.wait_hint is not None else self.config.poll_seconds)

    def close(self) -> None:
        """Close the HTTP connection."""
        self._client.close()


def status_text(state_file: Path) -> str:
    """The latch and today's figures the session last published, in a few lines."""
    latch = read_latch(state_file)
    figures = read_status(state_file)
    lines = []
    if latch is not None and latch.latched:
        lines.append(f"latch: LATCHED ({latch.trigger}: {latch.detail}); no entries until re-armed")
    else:
        lines.append("latch: armed (entries allowed)")
    if figures is None:
        lines.append("no figures published yet (is a paper/live session running with this state file?)")
    else:
        for key, label in (("equity_cents", "equity"), ("day_pnl_cents", "day P&L")):
            if figures.get(key) is not None:
                lines.append(f"{label}: {money(int(figures[key]))}")
        for key, label in (("position", "position"), ("entries_today", "entries today"),
                           ("trading_day", "trading day")):
            if figures.get(key) is not None:
                lines.append(f"{label}: {figures[key]}")
    return "\n".join(lines)


def allowed(ids: Sequence[str]) -> tuple[str, ...]:
    """User ids as given (Discord snowflakes: digits only), refusing anything else."""
    bad = [i for i in ids if not i.isdigit()]
    if bad:
        raise ControlError(f"discord control: allowed user ids are numbers (Discord snowflakes), got {bad}")
    return tuple(ids)
