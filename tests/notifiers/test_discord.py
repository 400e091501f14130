"""The Discord notifier against a loopback webhook that answers 429, 500 and slowly; the URL never leaks."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time

import attrs
import pytest

from adapters.notifiers.discord.notifier import DiscordNotifier, DiscordNotifierConfig
from adapters.notifiers.outbox import DeliveryConfig
from mia_core.commands import AlertLevel
from mia_core.errors import DomainValueError
from mia_core.journal import Notification

from .servers import HOLD_LIMIT, Reply, webhook_server

FAST = DeliveryConfig(queue_size=50, max_attempts=4, backoff_seconds=0.05, max_backoff_seconds=2, timeout_seconds=0.5)
NOTE = Notification(ts=1_700_000_000_000_000_000, level=AlertLevel.WARNING, title="MIA alert drawdown raised",
                    body="drawdown 10.4% past 10%")
SECRET = "SECRET-TOKEN"


def discord(url: str, **delivery: float) -> DiscordNotifier:
    config = DiscordNotifierConfig(delivery=attrs.evolve(FAST, **delivery))
    return DiscordNotifier(config, environ={"MIA_DISCORD_WEBHOOK_URL": url})


def send(notifier: DiscordNotifier, *notes: Notification) -> None:
    async def go() -> None:
        for note in notes:
            await notifier.notify(note)
    asyncio.run(go())
    assert notifier.outbox.flush(20)
    notifier.close()


def test_a_message_is_posted_as_discord_json() -> None:
    with webhook_server([]) as hook:
        notifier = discord(hook.url)
        send(notifier, NOTE)
    [(path, headers, body, _)] = hook.requests
    assert path.endswith(SECRET) and headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["content"] == "**MIA alert drawdown raised**\ndrawdown 10.4% past 10%"
    assert payload["allowed_mentions"] == {"parse": []}
    assert notifier.outbox.sent == 1 and not notifier.outbox.undelivered


def test_429_waits_the_retry_after_of_the_json_body_then_the_header() -> None:
    script = [Reply(429, body={"message": "rate limited", "retry_after": 0.4, "global": False}),
              Reply(429, headers={"Retry-After": "0.3"}), Reply(204)]
    with webhook_server(script) as hook:
        notifier = discord(hook.url)
        send(notifier, NOTE)
    times = [t for *_, t in hook.requests]
    assert len(times) == 3 and notifier.outbox.sent == 1 and notifier.outbox.retries == 2
    assert times[1] - times[0] >= 0.4 and times[2] - times[1] >= 0.3  # not the 0.05 s back-off


def test_500_and_a_slow_answer_are_retried_with_back_off() -> None:
    script = [Reply(500), Reply(204, delay=1.0), Reply(204)]  # the second answer comes after the 0.5 s timeout
    with webhook_server(script) as hook:
        notifier = discord(hook.url)
        send(notifier, NOTE)
    assert len(hook.requests) == 3 and notifier.outbox.sent == 1 and notifier.outbox.retries == 2


def test_what_cannot_be_sent_is_kept_and_counted() -> None:
    with webhook_server([Reply(500)] * 4 + [Reply(400)]) as hook:
        notifier = discord(hook.url)
        other = Notification(ts=NOTE.ts, level=AlertLevel.INFO, title="second")
        send(notifier, NOTE, other)
    assert len(hook.requests) == 5  # four attempts at the first, one (refused, not retried) at the second
    assert notifier.outbox.failed == 2 and notifier.outbox.undelivered == [NOTE, other]


def test_notify_never_waits_for_the_network_and_a_full_queue_keeps_the_overflow() -> None:
    """Ten notifications while the hook holds its first answer: every notify returns before the answer comes.

    A notify that waited for the network would take the hold's ``HOLD_LIMIT`` (30 s); the bound is half of
    it, so a loaded machine cannot fail it. (It used to time the burst against 0.1 s with replies taking
    0.3 s, which a loaded machine broke without any waiting.)
    """
    answer = threading.Event()
    with webhook_server([Reply(204, hold=answer)] * 3) as hook:
        notifier = discord(hook.url, queue_size=2)

        async def burst() -> None:
            for i in range(10):
                await notifier.notify(Notification(ts=NOTE.ts, level=AlertLevel.INFO, title=f"n{i}"))

        start = time.monotonic()
        asyncio.run(burst())
        elapsed = time.monotonic() - start
        answer.set()
        assert elapsed < HOLD_LIMIT / 2, f"the burst took {elapsed:.1f} s: a notify waited for the answer"
        assert notifier.outbox.flush(10)
        notifier.close()
    assert notifier.outbox.sent + len(notifier.outbox.undelivered) == 10
    assert notifier.outbox.overflow >= 7 and len(hook.requests) == notifier.outbox.sent


def test_a_chart_goes_as_a_multipart_attachment() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    note = Notification(ts=NOTE.ts, level=AlertLevel.INFO, title="MIA daily summary", body="day", image_png=png)
    with webhook_server([]) as hook:
        send(discord(hook.url), note)
    [(_, headers, body, _)] = hook.requests
    assert headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="files[0]"; filename="chart.png"' in body and png in body and b'"payload_json"' in body


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_webhook_url_reaches_no_log_no_error_and_no_repr(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with webhook_server([Reply(500), Reply(429, body={"retry_after": 0.01}), Reply(404)]) as hook:
        notifier = discord(hook.url)
        send(notifier, NOTE)
    refused = discord(f"http://127.0.0.1:{closed_port()}/api/webhooks/1/{SECRET}", max_attempts=2)
    send(refused, NOTE)
    assert refused.outbox.failed == 1 and notifier.outbox.failed == 1
    texts = [r.getMessage() for r in caplog.records] + [repr(notifier), repr(refused)]
    assert any("not sent" in t for t in texts)
    assert not [t for t in texts if SECRET in t or "/api/webhooks" in t]
    with pytest.raises(DomainValueError) as missing:
        DiscordNotifier(DiscordNotifierConfig(url_env="MIA_TEST_UNSET_HOOK"), environ={})
    assert "MIA_TEST_UNSET_HOOK" in str(missing.value)


def test_a_summary_longer_than_one_message_arrives_whole_in_several() -> None:
    """Discord takes 2,000 characters a message: a long summary is split at line ends, nothing cut off."""
    lines = [f"{i:02d} " + "advice that rests on the journal's trades and passed its test " * 2 for i in range(40)]
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    note = Notification(ts=NOTE.ts, level=AlertLevel.INFO, title="MIA daily summary 2024-03-05",
                        body="\n".join(lines), image_png=png)
    with webhook_server([]) as hook:
        notifier = discord(hook.url)
        send(notifier, note)
    contents = []
    for _, headers, body, _ in hook.requests:
        if headers["Content-Type"].startswith("multipart/form-data"):
            payload = body.split(b'name="payload_json"', 1)[1].split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]
            contents.append(json.loads(payload)["content"])
        else:
            contents.append(json.loads(body)["content"])
    n = len(contents)
    assert n >= 3 and all(len(c) <= 2000 for c in contents)
    assert [c.split("\n", 1)[0] for c in contents] == [f"**MIA daily summary 2024-03-05 ({i}/{n})**"
                                                       for i in range(1, n + 1)]
    told = [line for c in contents for line in c.split("\n")[2:-1]]  # inside each code block
    assert told == lines
    assert sum(png in body for *_, body, _ in hook.requests) == 1 and png in hook.requests[0][2]
