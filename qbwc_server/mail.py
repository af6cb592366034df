"""Outgoing mail: invitations and notices, sent with the standard library's smtplib.

Mail is optional. With no ``smtp_host`` nothing is sent and :func:`send_mail` answers
``MailResult(sent=False, ...)`` so the page shows the link to copy instead. A failed send never
fails the action that asked for it: the caller records the one-line reason and shows it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from .settings import Settings

__all__ = ["MailResult", "mail_configured", "send_mail"]


@dataclass(frozen=True, slots=True)
class MailResult:
    """What happened to one message: ``sent``, or the sentence that says why not."""

    sent: bool
    detail: str


def mail_configured(settings: Settings) -> bool:
    """Whether an SMTP server is set (``smtp_host``)."""
    return bool(settings.smtp_host.strip())


def _sender(settings: Settings) -> str:
    return settings.smtp_from.strip() or f"qbtime-sync <noreply@{settings.smtp_host.strip()}>"


def build_message(
    settings: Settings, *, to: str, subject: str, body: str, to_name: str = ""
) -> EmailMessage:
    """The message as it is sent (plain text, UTF-8)."""
    msg = EmailMessage()
    msg["From"] = _sender(settings)
    msg["To"] = formataddr((to_name, to)) if to_name else to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="qbtime-sync")
    msg.set_content(body)
    return msg


def send_mail(
    settings: Settings, *, to: str, subject: str, body: str, to_name: str = ""
) -> MailResult:
    """Send one plain-text message; never raises for a mail problem."""
    if not mail_configured(settings):
        return MailResult(False, "no mail server is set (smtp_host): copy the link instead")
    msg = build_message(settings, to=to, subject=subject, body=body, to_name=to_name)
    host, port = settings.smtp_host.strip(), settings.smtp_port
    try:
        with smtplib.SMTP(host, port, timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        reason = str(exc).strip() or type(exc).__name__
        return MailResult(
            False,
            f"the mail to {to} was not sent ({host}:{port}: {reason}); copy the link instead "
            "and check the smtp_* settings",
        )
    return MailResult(True, f"sent to {to}")
