"""Delivery: digests to email (SMTP) and webhooks, one delivery row per digest and channel.

A delivery is marked sent only after the server accepted it (SMTP's reply to DATA, an HTTP 2xx). A failed one
stays pending and is retried with a doubling delay until `[delivery] max_attempts`, then marked failed. The
webhook carries `Idempotency-Key: <digest_id>` so a receiver can drop a repeat after a crash mid-delivery.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import requests

from watcher.config import Config, EmailSettings, WebhookSettings
from watcher.digest import render_html, render_text, webhook_payload
from watcher.errors import DeliveryError
from watcher.store import Archive
from watcher.taxonomy import Taxonomy


@dataclass(frozen=True)
class Outgoing:
    digest_id: int
    subject: str
    body: dict[str, Any]  # the json body
    taxonomy: Taxonomy


Sender = Callable[[Config, Outgoing, requests.Session], None]
CHANNELS: dict[str, Sender] = {}


def channel(kind: str) -> Callable[[Sender], Sender]:
    def register(fn: Sender) -> Sender:
        CHANNELS[kind] = fn
        return fn
    return register


def configured_channels(config: Config) -> list[str]:
    return [kind for kind, settings in (("email", config.email), ("webhook", config.webhook)) if settings]


def env_value(name: str | None, what: str) -> str | None:
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise DeliveryError(f"the environment variable {name} ({what}) is not set; export it or remove the key")
    return value


def email_message(settings: EmailSettings, out: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = out.subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    domain = settings.sender.rsplit("@", 1)[-1] or "localhost"
    msg["Message-ID"] = f"<kuril-watcher-digest-{out.digest_id}@{domain}>"
    msg["X-Watcher-Digest-Id"] = str(out.digest_id)
    msg.set_content(render_text(out.taxonomy, out.body, out.subject))
    msg.add_alternative(render_html(out.taxonomy, out.body, out.subject), subtype="html")
    return msg


@channel("email")
def send_email(config: Config, out: Outgoing, session: requests.Session) -> None:
    s = config.email
    assert s is not None
    username = env_value(s.username_env, "SMTP user name")
    password = env_value(s.password_env, "SMTP password")
    port = s.smtp_port or {"ssl": 465, "starttls": 587}.get(s.security, 25)
    try:
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, port, timeout=s.timeout)
        with smtp:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if username is not None:
                smtp.login(username, password or "")
            refused = smtp.send_message(email_message(s, out), from_addr=s.sender, to_addrs=list(s.recipients))
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"SMTP {s.smtp_host}:{port}: {e}") from None
    if refused:
        raise DeliveryError(f"SMTP {s.smtp_host}:{port} refused {', '.join(sorted(refused))}")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_request(settings: WebhookSettings, out: Outgoing) -> tuple[bytes, dict[str, str]]:
    payload = webhook_payload(settings.format, out.taxonomy, out.body, out.subject)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": str(out.digest_id),
               "X-Watcher-Digest-Id": str(out.digest_id)}
    secret = env_value(settings.secret_env, "webhook secret")
    if secret is not None:
        headers["X-Watcher-Signature"] = signature(secret, body)
    return body, headers


@channel("webhook")
def send_webhook(config: Config, out: Outgoing, session: requests.Session) -> None:
    s = config.webhook
    assert s is not None
    body, headers = webhook_request(s, out)
    try:
        response = session.post(s.url, data=body, headers=headers, timeout=s.timeout)
    except requests.RequestException as e:
        raise DeliveryError(f"webhook {s.url}: {type(e).__name__}: {str(e)[:200]}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook {s.url} answered HTTP {response.status_code}")


@dataclass(frozen=True)
class DeliveryOutcome:
    digest_id: int
    channel: str
    state: str
    error: str | None


def deliver_due(archive: Archive, config: Config, taxonomy: Taxonomy, session: requests.Session,
                now: dt.datetime) -> list[DeliveryOutcome]:
    """Send every delivery that is due on a configured channel; each result is recorded as it happens."""
    outcomes = []
    active = set(configured_channels(config))
    for row in archive.due_deliveries(now):
        if row["channel"] not in active:
            continue  # the channel was removed from the config: keep it pending, send nothing
        subject, body = archive.digest(row["digest_id"])
        error = None
        try:
            CHANNELS[row["channel"]](config, Outgoing(row["digest_id"], subject, body, taxonomy), session)
        except DeliveryError as e:
            error = str(e)
        with archive.transaction():
            state = archive.record_delivery(row["id"], now, error, config.max_attempts, config.retry_minutes)
        outcomes.append(DeliveryOutcome(row["digest_id"], row["channel"], state, error))
    return outcomes
