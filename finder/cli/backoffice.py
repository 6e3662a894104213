"""Back-office commands: `esol-finder create-user` and `esol-finder remind`."""

from __future__ import annotations

import sys

import click

from finder.cli.common import open_services
from finder.domain import ValidationErrors, messages
from finder.operations import retention
from finder.queries import review


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["coordinator", "partner"]), required=True)
@click.option("--organisation", "organisation_key", default=None, help="Organisation key (partner editors).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def create_user_command(email: str, name: str, role: str, organisation_key: str | None, password_stdin: bool) -> None:
    """Make a back-office account (the first coordinator, or a partner editor)."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        confirm = password
    else:
        password = click.prompt("Password", hide_input=True)
        confirm = click.prompt("Password again", hide_input=True)
    services = open_services()
    try:
        user = services.accounts.create_user(email=email, name=name, role=role, password=password, confirm=confirm,
                                             organisation_key=organisation_key, actor="command-line")
    except ValidationErrors as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        if "organisation" in exc.errors:
            _list_organisations(services, organisation_key)
        raise SystemExit(1) from None
    click.echo(f"Account made: {user.email} ({user.role})")


def _list_organisations(services, asked: str | None) -> None:
    """The organisations' keys, for a --organisation that was missing or wrong."""
    with services.sessions() as db:
        found = review.organisations(db)
    if asked:
        click.echo(f"There is no organisation with the key {asked!r}.", err=True)
    if not found:
        click.echo("There are no organisations yet: load the catalogue first (esol-finder demo or import).", err=True)
        return
    click.echo("Use --organisation with one of these keys:", err=True)
    width = max(len(o.key) for o in found)
    for organisation in found:
        click.echo(f"  {organisation.key:<{width}}  {organisation.name}", err=True)


@click.command("remind")
def remind_command() -> None:
    """Email each stale listing's organisation its private check link."""
    services = open_services()
    settings, mailer = services.settings, services.mailer
    with services.sessions() as db:
        stale = [(c.id, c.title, c.last_checked, c.contact_email or c.organisation.email)
                 for c in review.courses(db, stale_after_days=settings.stale_after_days)]
    sent = skipped = 0
    for course_id, title, last_checked, to in stale:
        if not to:
            skipped += 1
            continue
        link = f"{settings.base_url}/check/{services.catalogue.check_token(course_id)}"
        subject, body = messages.check_reminder(title, last_checked.isoformat() if last_checked else "never", link)
        mailer.send(to, subject, body)
        sent += 1
    where = "sent" if mailer.configured else "put in the outbox"
    click.echo(f"{sent} reminders {where}; {skipped} stale listings have no email address.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be forgotten, without changing anything.")
def purge_command(dry_run: bool) -> None:
    """Forget what people sent once it is no longer needed (ESOL_FINDER_SUBMITTER_RETENTION_DAYS,
    ESOL_FINDER_REQUEST_RETENTION_DAYS); run it daily."""
    services = open_services()
    try:
        days = services.settings.submitter_retention_days
        report = retention.purge(services.sessions, days, dry_run=dry_run,
                                 request_retention_days=services.settings.request_retention_days)
    finally:
        services.close()
    verb = "would be" if dry_run else "were"
    click.echo(f"Older than {days} days: {report.submissions} decided submissions' senders, "
               f"{report.audit_entries} audit entries' public addresses and {report.outbox_messages} outbox e-mails "
               f"{verb} forgotten; {report.login_sessions} ended sessions and reset links {verb} deleted; "
               f"{report.place_requests} requests for a place past their deletion date "
               f"(at most {services.settings.request_retention_days} days) {verb} deleted.")


commands = [create_user_command, remind_command, purge_command]
