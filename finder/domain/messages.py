"""The e-mails the site sends, as (subject, body) in the reader's language: plain text, no I/O."""

from __future__ import annotations

from finder.i18n import gettext, ngettext


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


def problem_reported(title: str, problem: str, link: str) -> tuple[str, str]:
    """To the listing's contact. Only the kind of problem, from our own list: what the reporter wrote
    stays with the coordinators, so nobody can make the site send a stranger's words beside a real link."""
    body = gettext("Someone reported a problem with “%(title)s” on ESOL Finder: %(problem)s.", title=title,
                   problem=problem)
    body += "\n\n" + gettext("A coordinator will look at it and correct the listing.")
    body += "\n\n" + gettext("If the listing needs changing, use your private link:") + f"\n{link}\n\n" + _sign_off()
    return gettext("A problem was reported with %(title)s", title=title), body


def check_reminder(title: str, last_checked: str, link: str) -> tuple[str, str]:
    """The reminder with one link per answer: each opens the check page with that answer ready to confirm
    with one button (opening a link never changes a listing, so that link scanners change nothing)."""
    answers = [(gettext("Still running, places now"), "places"), (gettext("Still running, waiting list"), "waiting-list"),
               (gettext("Still running, full"), "full")]
    lines = "\n".join(f"{label}:\n{link}?answer={answer}\n" for label, answer in answers)
    return (gettext("Is your class still running? %(title)s", title=title),
            gettext("ESOL Finder lists “%(title)s”. It was last checked on %(date)s. Please tell us if it is "
                    "still running, has changed or has stopped. It takes one click, no password needed:",
                    title=title, date=last_checked) + "\n\n" + lines + "\n"
            + gettext("Something has changed, or it has stopped:") + f"\n{link}\n\n" + _sign_off())


def password_reset(link: str) -> tuple[str, str]:
    return (gettext("Choose a new password for ESOL Finder"),
            gettext("Someone asked for a new password for your ESOL Finder account. To choose one, open this "
                    "link within an hour. It works only once:") + f"\n{link}\n\n"
            + gettext("If you did not ask for this, you can ignore this email: your password has not changed.")
            + "\n\n" + _sign_off())


def place_request_notice(title: str, link: str, needs_creche: bool, days: int) -> tuple[str, str]:
    """To the course's organisation: someone asked for a place. The e-mail carries no personal details
    (they stay in the database, shown on the private page, and are deleted on time); only the link."""
    creche = ("\n" + gettext("They would like a crèche place for their child.")) if needs_creche else ""
    return (gettext("Someone asked for a place: %(title)s", title=title),
            gettext("Someone who found “%(title)s” on ESOL Finder asked for a place and would like you to "
                    "contact them. Their name, how to contact them and their message are on your private page "
                    "(no password needed):", title=title) + f"\n{link}\n" + creche + "\n\n"
            + ngettext("Requests are deleted after %(num)s day. Please contact them soon.",
                     "Requests are deleted after %(num)s days. Please contact them soon.", days)
            + "\n\n" + _sign_off())
