"""The e-mail notifier: one message per notification over SMTP (STARTTLS optional), the chart attached."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

import attrs

from adapters.notifiers.http import secret_from_env
from adapters.notifiers.levels import at_least
from adapters.notifiers.outbox import DeliveryConfig, Outbox, Permanent, Transient
from mia_core.commands import AlertLevel
from mia_core.errors import DomainValueError
from mia_core.journal import Notification
from mia_core.validation import within


@attrs.frozen
class EmailNotifierConfig:
    """Settings of ``email``: server, addresses, login (password from ``password_env``), level, delivery."""

    host: str = "localhost"
    port: int = attrs.field(default=587, validator=within(1, 65535))
    starttls: bool = True
    sender: str = "mia@localhost"
    recipients: list[str] = attrs.Factory(list)
    username: str = ""
    password_env: str = "MIA_SMTP_PASSWORD"
    min_level: AlertLevel = AlertLevel.WARNING
    subject_prefix: str = "[MIA]"
    delivery: DeliveryConfig = attrs.Factory(DeliveryConfig)


def email_message(note: Notification, config: EmailNotifierConfig) -> EmailMessage:
    """The message: subject from the title, the body as text, the chart as ``chart.png``."""
    message = EmailMessage()
    message["Subject"] = f"{config.subject_prefix} {note.title}".strip()
    message["From"] = config.sender
    message["To"] = ", ".join(config.recipients)
    message.set_content(note.body or note.title)
    if note.image_png:
        message.add_attachment(note.image_png, maintype="image", subtype="png", filename="chart.png")
    return message


class EmailNotifier:
    """Sends notifications by SMTP from a sender thread; ``notify`` only queues."""

    def __init__(self, config: EmailNotifierConfig, name: str = "email",
                 environ: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.wants_images = True  # the daily summary's chart is sent
        self.config = config
        if not config.recipients:
            raise DomainValueError(name, "recipients", config.recipients, "give at least one address to send to")
        self._password = secret_from_env(name, config.password_env, environ, "password_env") if config.username else ""
        self.outbox: Outbox[Notification] = Outbox(name, self._send, config.delivery)

    async def notify(self, notification: Notification) -> None:
        """Queue ``notification`` if it is at or above ``min_level``."""
        if at_least(notification.level, self.config.min_level):
            self.outbox.put(notification)

    def _send(self, note: Notification) -> None:
        config = self.config
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.delivery.timeout_seconds) as smtp:
                if config.starttls:
                    smtp.starttls()
                if config.username:
                    smtp.login(config.username, self._password)
                refused = smtp.send_message(email_message(note, config))
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused: 4xx ones may take it later
            codes = sorted({code for code, _ in exc.recipients.values()})
            if all(400 <= code < 500 for code in codes):
                raise Transient(f"SMTP {', '.join(map(str, codes))} (recipients: try again later)") from None
            raise Permanent(f"SMTP refused the recipients ({', '.join(map(str, codes))})") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise Transient(f"SMTP {exc.smtp_code}") from None
            raise Permanent(f"SMTP {exc.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as exc:  # connection refused, timeout, dropped
            raise Transient(f"SMTP unreachable ({type(exc).__name__})") from None
        if refused:  # the others have it, so no retry; but it is kept, said and counted
            codes = ", ".join(str(code) for code in sorted({code for code, _ in refused.values()}))
            raise Permanent(f"{len(refused)} of {len(config.recipients)} recipients refused ({codes}); "
                            "delivered to the others")

    def unsent(self) -> list[tuple[Notification, str]]:
        """What could not be delivered, each with why (the session journals them at its end)."""
        return self.outbox.unsent()

    def close(self) -> None:
        """Send what is queued, then stop the sender thread."""
        self.outbox.close()


