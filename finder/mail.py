"""Email: every message is kept in the outbox table; when SMTP is configured (ESOL_FINDER_SMTP_*)
it is also sent with the standard library's smtplib. Coordinators read the outbox at /backoffice/outbox.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from finder.i18n import gettext
from finder.models import OutboxMessage, utcnow
from finder.settings import Settings

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]):
        self.settings = settings
        self.sessions = sessions

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, to: str, subject: str, body: str) -> OutboxMessage | None:
        """Keep the message in the outbox and, with SMTP configured, send it now."""
        to = (to or "").strip()
        if not to:
            return None
        with self.sessions.begin() as db:
            message = OutboxMessage(to=to, subject=subject[:300], body=body, error="")
            db.add(message)
        if self.configured:
            self._deliver(message)
        return message

    def _deliver(self, message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = self.settings.mail_from
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain="esol-finder")
        email.set_content(message.body)
        error = ""
        try:
            with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=10) as smtp:
                if self.settings.smtp_starttls:
                    smtp.starttls()
                if self.settings.smtp_user:
                    smtp.login(self.settings.smtp_user, self.settings.smtp_password)
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("could not send email %s to %s: %s", message.id, message.to, error)
        with self.sessions.begin() as db:
            stored = db.get(OutboxMessage, message.id)
            stored.sent_at = None if error else utcnow()
            stored.error = error
        message.sent_at, message.error = (None if error else utcnow()), error

    def outbox(self, limit: int = 200) -> list[OutboxMessage]:
        with self.sessions() as db:
            return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                                                  OutboxMessage.id.desc()).limit(limit)))


# -- the messages ---------------------------------------------------------------------------

def _sign_off() -> str:
    return gettext("ESOL Finder coordinators")


def submission_received(title: str) -> tuple[str, str]:
    return (gettext("We have your class: %(title)s", title=title),
            gettext("Thank you for sending us “%(title)s”. A coordinator will check it, usually within a week, "
                    "and we will email you when it is live.", title=title) + "\n\n" + _sign_off())


def decision(status: str, title: str, reason: str, link: str) -> tuple[str, str]:
    if status == "approved":
        return (gettext("Your class is live: %(title)s", title=title),
                gettext("“%(title)s” is now on ESOL Finder:", title=title) + f"\n{link}\n\n" + _sign_off())
    if status == "changes-requested":
        return (gettext("Please change your class details: %(title)s", title=title),
                gettext("A coordinator looked at “%(title)s” and asks for some changes:", title=title)
                + f"\n\n{reason}\n\n" + gettext("Send the class again with the changes:") + f"\n{link}\n\n" + _sign_off())
    return (gettext("Your class was not added: %(title)s", title=title),
            gettext("A coordinator looked at “%(title)s” and could not add it:", title=title)
            + f"\n\n{reason}\n\n" + _sign_off())


def problem_reported(title: str, problem: str, details: str, link: str) -> tuple[str, str]:
    body = gettext("Someone reported a problem with “%(title)s” on ESOL Finder: %(problem)s.", title=title,
                   problem=problem)
    if details:
        body += "\n\n" + details
    body += "\n\n" + gettext("If the listing needs changing, use your private link:") + f"\n{link}\n\n" + _sign_off()
    return gettext("A problem was reported with %(title)s", title=title), body


def check_reminder(title: str, last_checked: str, link: str) -> tuple[str, str]:
    return (gettext("Is your class still running? %(title)s", title=title),
            gettext("ESOL Finder lists “%(title)s”. It was last checked on %(date)s. Please tell us if it is "
                    "still running, has changed or has stopped. It takes one click, no password needed:",
                    title=title, date=last_checked) + f"\n{link}\n\n" + _sign_off())
