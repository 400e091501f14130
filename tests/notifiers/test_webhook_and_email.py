"""The generic webhook and the SMTP notifier on the same outbox, against loopback servers."""

from __future__ import annotations

import asyncio
import email
import json
from email.message import Message

import attrs
import pytest

from adapters.notifiers.email.notifier import EmailNotifier, EmailNotifierConfig
from adapters.notifiers.outbox import DeliveryConfig
from adapters.notifiers.webhook.notifier import WebhookNotifier, WebhookNotifierConfig
from mia_core.commands import AlertLevel
from mia_core.errors import DomainValueError
from mia_core.journal import Notification

from .servers import Reply, smtp_server, webhook_server

FAST = DeliveryConfig(queue_size=10, max_attempts=3, backoff_seconds=0.05, timeout_seconds=2)
PNG = b"\x89PNG\r\n\x1a\nchart"
NOTE = Notification(ts=1_700_000_000_000_000_000, level=AlertLevel.CRITICAL, title="MIA daily summary",
                    body="P&L -$512.50", image_png=PNG)


def deliver(notifier: WebhookNotifier | EmailNotifier, *notes: Notification) -> None:
    async def go() -> None:
        for note in notes:
            await notifier.notify(note)
    asyncio.run(go())
    assert notifier.outbox.flush(20)
    notifier.close()


def test_the_webhook_posts_slack_style_text_and_retries_a_500() -> None:
    with webhook_server([Reply(500), Reply(200)], path="/hooks/T000/B000/XXXX") as hook:
        config = WebhookNotifierConfig(include_image=True, delivery=FAST)
        notifier = WebhookNotifier(config, environ={"MIA_WEBHOOK_URL": hook.url})
        deliver(notifier, NOTE)
    assert len(hook.requests) == 2 and notifier.outbox.sent == 1
    payload = json.loads(hook.requests[-1][2])
    assert payload["text"] == "MIA daily summary\nP&L -$512.50" and payload["level"] == "critical"
    assert payload["time"].startswith("2023-11-14T22:13:20") and payload["image_png_base64"]


def parsed(raw: bytes) -> Message:
    return email.message_from_bytes(raw)


def test_email_goes_over_smtp_with_the_chart_attached_and_a_451_is_retried() -> None:
    with smtp_server(refuse_first=1) as box:
        config = EmailNotifierConfig(host="127.0.0.1", port=box.port, starttls=False, sender="mia@example.test",
                                     recipients=["trader@example.test"], delivery=FAST)
        notifier = EmailNotifier(config, environ={})
        info = Notification(ts=NOTE.ts, level=AlertLevel.INFO, title="below min_level")
        deliver(notifier, info, NOTE)
    assert notifier.outbox.sent == 1 and notifier.outbox.retries == 1
    [(sender, recipients, raw)] = box.messages
    assert sender == "mia@example.test" and recipients == ["trader@example.test"]
    message = parsed(raw)
    assert message["Subject"] == "[MIA] MIA daily summary"
    parts = [p for p in message.walk() if p.get_filename() == "chart.png"]
    assert parts and parts[0].get_payload(decode=True) == PNG


def test_an_smtp_server_that_is_not_there_keeps_the_message() -> None:
    with smtp_server() as box:
        port = box.port
    config = EmailNotifierConfig(host="127.0.0.1", port=port, starttls=False, recipients=["t@example.test"],
                                 delivery=FAST)
    notifier = EmailNotifier(config, environ={})
    deliver(notifier, NOTE)
    assert notifier.outbox.failed == 1 and notifier.outbox.undelivered == [NOTE]


def test_the_webhook_honours_429_and_retries_a_slow_answer() -> None:
    script = [Reply(429, headers={"Retry-After": "0.3"}), Reply(200, delay=1.0), Reply(200)]  # timeout 0.5 s
    with webhook_server(script, path="/hooks/T000/B000/XXXX") as hook:
        config = WebhookNotifierConfig(delivery=attrs.evolve(FAST, timeout_seconds=0.5))
        notifier = WebhookNotifier(config, environ={"MIA_WEBHOOK_URL": hook.url})
        deliver(notifier, NOTE)
    times = [t for *_, t in hook.requests]
    assert len(times) == 3 and notifier.outbox.sent == 1 and notifier.outbox.retries == 2
    assert times[1] - times[0] >= 0.3  # the server's wait, not the 0.05 s back-off


def test_a_greylisted_recipient_is_tried_again_not_dropped() -> None:
    """450 to RCPT is 'try again later' (greylisting, a full mailbox): the message is retried."""
    with smtp_server(greylist_first=1) as box:
        config = EmailNotifierConfig(host="127.0.0.1", port=box.port, starttls=False, recipients=["t@example.test"],
                                     delivery=FAST)
        notifier = EmailNotifier(config, environ={})
        deliver(notifier, NOTE)
    assert notifier.outbox.sent == 1 and notifier.outbox.retries == 1 and len(box.messages) == 1


def test_an_email_notifier_that_could_send_nothing_fails_the_start() -> None:
    """No recipient, or a login whose password variable is unset: an error naming what is missing, not silence."""
    with pytest.raises(DomainValueError, match="recipients"):
        EmailNotifier(EmailNotifierConfig(), environ={})
    with pytest.raises(DomainValueError) as unset:
        EmailNotifier(EmailNotifierConfig(recipients=["t@example.test"], username="mia",
                                          password_env="MIA_TEST_UNSET_PASSWORD"), environ={})
    assert "MIA_TEST_UNSET_PASSWORD" in str(unset.value)


def test_a_recipient_the_server_refused_is_not_passed_over_in_silence() -> None:
    """Delivered to one address, refused for the other: kept unsent with why (not retried: the others have it)."""
    with smtp_server(unknown=("gone@example.test",)) as box:
        config = EmailNotifierConfig(host="127.0.0.1", port=box.port, starttls=False,
                                     recipients=["t@example.test", "gone@example.test"], delivery=FAST)
        notifier = EmailNotifier(config, environ={})
        deliver(notifier, NOTE)
    assert [recipients for _, recipients, _ in box.messages] == [["t@example.test"]]
    [(note, why)] = notifier.unsent()
    assert note == NOTE and "1 of 2 recipients refused (550)" in why and notifier.outbox.retries == 0
