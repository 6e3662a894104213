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

from finder.domain.values import is_email
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
        if not is_email(to):  # also no line breaks, commas or angle brackets: one real address or nothing
            return None
        # A header is one line: a listing's title with a line break in it must not end the Subject.
        subject = " ".join(str(subject).split())[:300]
        with self.sessions.begin() as db:
            message = OutboxMessage(to=to, subject=subject, body=body, error="")
            db.add(message)
        if self.configured:
            self._deliver(message)
        return message

    def _deliver(self, message: OutboxMessage) -> None:
        error = ""
        try:
            email = EmailMessage()
            email["From"] = self.settings.mail_from
            email["To"] = message.to
            email["Subject"] = message.subject
            email["Message-ID"] = make_msgid(domain="esol-finder")
            email.set_content(message.body)
            with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=10) as smtp:
                if self.settings.smtp_starttls:
                    smtp.starttls()
                if self.settings.smtp_user:
                    smtp.login(self.settings.smtp_user, self.settings.smtp_password)
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: a header the library refuses
            error = f"{type(exc).__name__}: {exc}"
            log.warning("could not send email %s: %s", message.id, error)  # no address in the log
        with self.sessions.begin() as db:
            stored = db.get(OutboxMessage, message.id)
            if stored is not None:  # a coordinator may have cleared the outbox meanwhile
                stored.sent_at = None if error else utcnow()
                stored.error = error
        message.sent_at, message.error = (None if error else utcnow()), error

    def outbox(self, limit: int = 200) -> list[OutboxMessage]:
        with self.sessions() as db:
            return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                                                  OutboxMessage.id.desc()).limit(limit)))


# -- the messages ---------------------------------------------------------------------------
