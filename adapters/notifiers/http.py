"""HTTP delivery shared by the webhook notifiers: outcomes as retry/permanent errors with no URL in them."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from adapters.notifiers.outbox import Permanent, RetryLater, Transient
from mia_core.errors import DomainValueError

if TYPE_CHECKING:
    import httpx  # imported by the functions that post: discovering the notifiers needs no HTTP client

# httpx logs each request's full URL at INFO (httpcore its parts at DEBUG): a webhook URL is a secret.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def secret_from_env(component: str, variable: str, environ: Mapping[str, str] | None = None,
                    setting: str = "url_env") -> str:
    """The value of environment variable ``variable``; an error naming the variable (never a value) if unset."""
    value = (os.environ if environ is None else environ).get(variable, "").strip()
    if not value:
        raise DomainValueError(component, setting, variable, f"set the environment variable {variable}")
    return value


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a 429: Discord's JSON ``retry_after``, else the ``Retry-After`` header."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("retry_after"), int | float):
        return max(0.0, float(body["retry_after"]))
    header = response.headers.get("Retry-After")
    try:
        return max(0.0, float(header)) if header is not None else None
    except ValueError:
        return None


def post(client: httpx.Client, url: str, **kwargs: Any) -> None:
    """POST to ``url``; raise ``RetryLater``/``Transient``/``Permanent`` (messages without the URL)."""
    import httpx

    try:
        response = client.post(url, **kwargs)
    except httpx.TimeoutException:
        raise Transient("timed out") from None
    except httpx.HTTPError as exc:  # its text may hold the URL: only its kind is said
        raise Transient(f"could not connect ({type(exc).__name__})") from None
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 429:
        raise RetryLater(retry_after(response), "HTTP 429 (rate limited)")
    if status >= 500 or status == 408:
        raise Transient(f"HTTP {status}")
    raise Permanent(f"HTTP {status}")
