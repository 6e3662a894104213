"""What people send is kept only as long as it is needed: `esol-finder purge` (run it daily from cron)
forgets, after ESOL_FINDER_SUBMITTER_RETENTION_DAYS,

- the name and e-mail address of whoever sent a class, a change or a problem report, once a
  coordinator has decided on it (a submission still waiting keeps them: we must tell them the answer);
- the same address where the audit log names them as the one who acted (it then says "public");
- the outbox's copies of e-mails (they carry the addresses and the links they sent);

deletes requests for a place once they reach their own deletion date (ESOL_FINDER_REQUEST_RETENTION_DAYS
after they were sent, at most 90 days; their anonymous weekly counts stay),

and deletes ended login sessions and password-reset links at once. One transaction, audited by counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session, sessionmaker

from finder.models import AuditEntry, LoginSession, OutboxMessage, PasswordResetToken, Submission, User, utcnow
from finder.operations.catalogue import audit
from finder.operations.place_requests import purge_requests

SUBMITTER_FIELDS = ("submitter_name", "submitter_email")


@dataclass
class PurgeReport:
    submissions: int = 0      # decided submissions whose sender's name and address were forgotten
    audit_entries: int = 0    # audit entries whose actor (a member of the public's address) became "public"
    outbox_messages: int = 0  # e-mails deleted from the outbox
    login_sessions: int = 0   # ended sessions and reset links deleted
    place_requests: int = 0   # requests for a place past their deletion date, deleted

    @property
    def total(self) -> int:
        return (self.submissions + self.audit_entries + self.outbox_messages + self.login_sessions
                + self.place_requests)


def _deleted(db: Session, statement) -> int:
    """Run a DELETE; how many rows it removed."""
    result = cast(CursorResult, db.execute(statement))
    return result.rowcount or 0


def purge(sessions: sessionmaker[Session], retention_days: int, now: dt.datetime | None = None,
          dry_run: bool = False, request_retention_days: int = 90) -> PurgeReport:
    now = now or utcnow()
    before = now - dt.timedelta(days=retention_days)
    report = PurgeReport()
    with sessions() as db:
        decided = list(db.scalars(select(Submission).where(
            Submission.status != "pending", Submission.decided_at.is_not(None), Submission.decided_at < before)))
        staff = set(db.scalars(select(User.email)))
        for submission in decided:
            payload = dict(submission.payload or {})
            if submission.submitter_email or submission.submitter_name or any(payload.get(f) for f in SUBMITTER_FIELDS):
                submission.submitter_name = submission.submitter_email = ""
                submission.payload = {k: ("" if k in SUBMITTER_FIELDS else v) for k, v in payload.items()}
                report.submissions += 1
        public_actors = [entry for entry in db.scalars(select(AuditEntry).where(
            AuditEntry.at < before, AuditEntry.actor.contains("@"))) if entry.actor not in staff]
        for entry in public_actors:
            entry.actor = "public"
        report.audit_entries = len(public_actors)
        report.outbox_messages = _deleted(db, delete(OutboxMessage).where(OutboxMessage.created_at < before))
        report.login_sessions = (_deleted(db, delete(LoginSession).where(LoginSession.expires_at < now))
                                 + _deleted(db, delete(PasswordResetToken).where(
                                     (PasswordResetToken.expires_at < now) | PasswordResetToken.used_at.is_not(None))))
        report.place_requests = purge_requests(db, now, request_retention_days)
        if dry_run:
            db.rollback()
            return report
        if report.total:
            audit(db, "purge", "purge", "retention", None, None,
                  {"submissions": report.submissions, "audit_entries": report.audit_entries,
                   "outbox_messages": report.outbox_messages, "login_sessions": report.login_sessions,
                   "place_requests": report.place_requests, "request_retention_days": request_retention_days,
                   "retention_days": retention_days})
        db.commit()
    return report


__all__ = ["PurgeReport", "purge"]
