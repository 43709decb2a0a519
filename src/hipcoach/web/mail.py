"""Sending the password-reset link by e-mail, when the server's owner has configured an SMTP server.

No e-mail server is needed to run hipcoach: without these settings the forgot-password page tells the
person to ask the server's owner, who prints a link with `hipcoach reset-link EMAIL`. The settings are
read from the environment by `hipcoach serve`:

  HIPCOACH_SMTP_HOST      the SMTP server (setting this turns mail on)
  HIPCOACH_SMTP_PORT      default 587 (465 with HIPCOACH_SMTP_SECURITY=ssl)
  HIPCOACH_SMTP_SECURITY  starttls (default), ssl, or none (only for a server on this machine)
  HIPCOACH_SMTP_USER      and HIPCOACH_SMTP_PASSWORD: the login, when the server wants one
  HIPCOACH_SMTP_FROM      the sender address (default: HIPCOACH_SMTP_USER, else hipcoach@<host>)
  HIPCOACH_PUBLIC_URL     the address people open (https://coach.example.org); links in mails and
                          printed by `hipcoach reset-link` start with it (default: the request's own)
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from hipcoach.errors import UserError

SECURITY = ("starttls", "ssl", "none")
TIMEOUT_S = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""


def smtp_from_env(env: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings in these environment variables; None when HIPCOACH_SMTP_HOST is unset."""
    host = env.get("HIPCOACH_SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("HIPCOACH_SMTP_SECURITY", "starttls").strip().lower()
    if security not in SECURITY:
        raise UserError(
            f"HIPCOACH_SMTP_SECURITY is {security!r}.",
            f"Use one of {', '.join(SECURITY)} (or leave it unset).",
        )
    raw_port = env.get("HIPCOACH_SMTP_PORT", "").strip() or ("465" if security == "ssl" else "587")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise UserError(f"HIPCOACH_SMTP_PORT is {raw_port!r}.", "Give a port number such as 587.")
    user = env.get("HIPCOACH_SMTP_USER", "").strip()
    sender = env.get("HIPCOACH_SMTP_FROM", "").strip() or user or f"hipcoach@{host}"
    return SmtpSettings(host, int(raw_port), security, user, env.get("HIPCOACH_SMTP_PASSWORD", ""), sender)


def reset_message(smtp: SmtpSettings, to: str, link: str, expires: dt.datetime) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Your hipcoach password-reset link"
    message["From"], message["To"] = smtp.sender, to
    message.set_content(
        "Someone (we hope you) asked to reset the password of your hipcoach account.\n\n"
        f"Open this link to choose a new password; it works once, until {expires:%d %b %Y %H:%M} UTC:\n\n"
        f"{link}\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n"
    )
    return message


def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Send one message; OSError or smtplib.SMTPException when the server cannot be reached or refuses."""
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT_S, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        client.send_message(message)
