"""Email through a real SMTP server on 127.0.0.1, and the create-user and remind commands."""

from __future__ import annotations

import datetime as dt
import socketserver
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from finder.cli import main
from finder.models import OutboxMessage
from finder.operations.accounts import Accounts
from finder.operations.outbox import Mailer

pytestmark = pytest.mark.postgres


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages and keep them (a test sink)."""

    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.wfile.write(b"250 OK\r\n")
            elif command == "DATA":
                self.wfile.write(b"354 go on\r\n")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.messages.append(b"".join(data).decode())
                self.wfile.write(b"250 kept\r\n")
            elif command == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"502 no\r\n")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_mail_goes_through_smtp_and_is_kept(services, smtp_sink):
    settings = services.settings.with_(smtp_host="127.0.0.1", smtp_port=smtp_sink.server_address[1])
    message = Mailer(settings, services.sessions).send("partner@example.org", "Hello", "A body line")
    [received] = smtp_sink.messages
    assert "To: partner@example.org" in received and "Subject: Hello" in received and "A body line" in received
    with services.sessions() as db:
        stored = db.get(OutboxMessage, message.id)
        assert stored.sent_at is not None and stored.error == ""


def test_without_smtp_mail_waits_in_the_outbox(services):
    Mailer(services.settings, services.sessions).send("partner@example.org", "Hello", "Body")
    with services.sessions() as db:
        [stored] = db.scalars(select(OutboxMessage)).all()
        assert stored.sent_at is None and stored.to == "partner@example.org"


def test_unreachable_smtp_is_recorded_not_raised(services):
    settings = services.settings.with_(smtp_host="127.0.0.1", smtp_port=1)
    message = Mailer(settings, services.sessions).send("partner@example.org", "Hello", "Body")
    assert message.sent_at is None and "Error" in message.error


def test_create_user_command(env):
    runner = CliRunner()
    result = runner.invoke(main, ["create-user", "--email", "boss@example.org", "--name", "Boss", "--role",
                                  "coordinator", "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert Accounts(env.sessions).authenticate("boss@example.org", "a long enough secret").outcome == "ok"
    again = runner.invoke(main, ["create-user", "--email", "boss@example.org", "--name", "Boss", "--role",
                                 "coordinator", "--password-stdin"], input="short\n")
    assert again.exit_code == 1 and "already an account" in again.output
    prompted = runner.invoke(main, ["create-user", "--email", "p@example.org", "--name", "P", "--role", "partner",
                                    "--organisation", "nowhere"], input="a long enough secret\na long enough secret\n")
    assert prompted.exit_code == 1 and "organisation" in prompted.output


def test_remind_sends_check_links_for_stale_listings(env, fixture_catalogue, ids):
    course_id = ids()["entry-1-day"]
    env.catalogue.mark_checked(course_id, on=dt.date.today() - dt.timedelta(days=400))
    result = CliRunner().invoke(main, ["remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminders put in the outbox" in result.output
    with env.sessions() as db:
        [message] = db.scalars(select(OutboxMessage)).all()
    token = env.catalogue.check_token(course_id)
    assert message.to == "esol@college.example.org" and f"/check/{token}" in message.body
