"""What people send is kept only as long as its stated retention: `esol-finder purge` forgets the
senders of decided submissions, their addresses in the audit log and the outbox's e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from finder.cli import main
from finder.models import AuditEntry, OutboxMessage, Submission, utcnow
from finder.operations.retention import purge
from tests.accounts import make_user
from tests.unit.operations.test_catalogue_operations import payload, prepared

pytestmark = pytest.mark.postgres


def _age(services, model, column, days):
    with services.sessions.begin() as db:
        db.execute(update(model).values({column: utcnow() - dt.timedelta(days=days)}))


def _submitted(services):
    submission = services.catalogue.submit("new", payload(), submitter_name="Amina",
                                           submitter_email="amina@example.org", actor="amina@example.org")
    services.mailer.send("amina@example.org", "We have your class", "Thank you")
    return submission


def test_a_decided_submission_forgets_its_sender_after_the_retention(services):
    submission = _submitted(services)
    services.catalogue.approve_submission(submission.id, prepared(services, submission.payload), actor="cora")
    assert purge(services.sessions, 90).submissions == 0  # decided today: kept
    _age(services, Submission, "decided_at", 91)
    _age(services, AuditEntry, "at", 91)
    _age(services, OutboxMessage, "created_at", 91)
    report = purge(services.sessions, 90)
    assert (report.submissions, report.outbox_messages) == (1, 1) and report.audit_entries >= 1
    with services.sessions() as db:
        stored = db.get(Submission, submission.id)
        assert (stored.submitter_name, stored.submitter_email) == ("", "")
        assert stored.payload["submitter_email"] == "" and stored.payload["title"] == "Zanzibar Welcome English"
        assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        actors = set(db.scalars(select(AuditEntry.actor)))
    assert "amina@example.org" not in actors and "public" in actors and "cora" in actors
    every_text = " ".join(str(v) for v in (stored.payload, actors))
    assert "amina" not in every_text.lower()


def test_a_submission_still_waiting_keeps_its_sender_however_old(services):
    submission = _submitted(services)
    _age(services, Submission, "created_at", 400)
    purge(services.sessions, 90)
    with services.sessions() as db:
        assert db.get(Submission, submission.id).submitter_email == "amina@example.org"


def test_staff_stay_named_in_the_audit_log(services):
    make_user(services, email="cora@example.org", role="coordinator")
    submission = _submitted(services)
    services.catalogue.approve_submission(submission.id, prepared(services, submission.payload),
                                          actor="cora@example.org")
    _age(services, AuditEntry, "at", 91)
    purge(services.sessions, 90)
    with services.sessions() as db:
        actors = set(db.scalars(select(AuditEntry.actor)))
    assert "cora@example.org" in actors and "amina@example.org" not in actors


def test_the_command_says_what_it_did_and_a_dry_run_changes_nothing(services, monkeypatch):
    submission = _submitted(services)
    services.catalogue.decide_submission(submission.id, "rejected", "Not in Liverpool", actor="cora")
    _age(services, Submission, "decided_at", 100)
    env = {"ESOL_FINDER_DATA_DIR": str(services.settings.data_dir),
           "ESOL_FINDER_DATABASE_URL": services.settings.database_url, "ESOL_FINDER_SECRET_KEY": "x",
           "ESOL_FINDER_SUBMITTER_RETENTION_DAYS": "30"}
    dry = CliRunner().invoke(main, ["purge", "--dry-run"], env=env)
    assert dry.exit_code == 0 and "1 decided submissions' senders" in dry.output and "would be" in dry.output
    with services.sessions() as db:
        assert db.get(Submission, submission.id).submitter_email == "amina@example.org"
    done = CliRunner().invoke(main, ["purge"], env=env)
    assert done.exit_code == 0 and "Older than 30 days" in done.output
    with services.sessions() as db:
        assert db.get(Submission, submission.id).submitter_email == ""
        assert db.scalar(select(AuditEntry).where(AuditEntry.action == "purge")).after["submissions"] == 1
