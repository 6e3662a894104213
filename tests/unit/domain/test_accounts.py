"""The rules of a back-office account (finder.domain.accounts), and the accounts that use them."""

from __future__ import annotations

import pytest

from finder.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    normalise_email,
    password_problems,
    validate_account,
)
from finder.domain.values import ValidationErrors

GOOD = {"email": " Amina@Example.org ", "name": " Amina Yusuf ", "role": "partner", "password": "a long password"}


def errors_of(**details) -> dict[str, list[str]]:
    with pytest.raises(ValidationErrors) as caught:
        validate_account(**details)
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


def test_roles():
    assert {slug: str(label) for slug, label in ROLES.items()} == {"coordinator": "Coordinator",
                                                                   "partner": "Partner editor"}


def test_emails_are_kept_trimmed_and_in_lower_case():
    assert normalise_email("  Amina@Example.ORG ") == "amina@example.org"
    assert normalise_email(None) == ""


def test_a_good_account_is_cleaned():
    assert validate_account(**GOOD) == {"email": "amina@example.org", "name": "Amina Yusuf", "role": "partner"}
    assert validate_account(**GOOD, confirm="a long password")["role"] == "partner"


def test_every_wrong_detail_is_said_in_plain_words():
    assert errors_of(email="amina", name=" ", role="boss", password="short", confirm="shorter") == {
        "email": ["Enter an email address, like name@example.org."],
        "name": ["Enter the person's name."],
        "role": ["Choose coordinator or partner editor."],
        "password": [f"Use at least {MIN_PASSWORD_LENGTH} characters.", "The two passwords are not the same."],
    }
    assert errors_of(**{**GOOD, "email": ""}) == {"email": ["Enter an email address, like name@example.org."]}


def test_password_rules():
    assert MIN_PASSWORD_LENGTH == 10
    assert password_problems("a long password", "a long password") == []
    assert [str(m) for m in password_problems("123456789", "123456789")] == ["Use at least 10 characters."]
    assert [str(m) for m in password_problems("Amina@Example.org", "Amina@Example.org", "amina@example.org")] == [
        "Do not use your email address as your password."]
    assert [str(m) for m in password_problems("a long password", "a long passwort")] == [
        "The two passwords are not the same."]


def test_creating_an_account_uses_the_rules_and_adds_what_only_the_database_knows(services):
    with pytest.raises(ValidationErrors) as caught:
        services.accounts.create_user(email="nope", name="", role="partner", password="short", confirm="short")
    assert {k: [str(m) for m in v] for k, v in caught.value.errors.items()} == {
        "email": ["Enter an email address, like name@example.org."], "name": ["Enter the person's name."],
        "password": ["Use at least 10 characters."],
        "organisation": ["Choose the organisation this partner editor works for."]}

    user = services.accounts.create_user(email=" Lee@Library.example.org ", name="Lee", role="coordinator",
                                         password="a long password")
    assert (user.email, user.name, user.role) == ("lee@library.example.org", "Lee", "coordinator")
    with pytest.raises(ValidationErrors) as caught:
        services.accounts.create_user(email="LEE@library.example.org", name="Lee again", role="coordinator",
                                      password="a long password")
    assert {k: [str(m) for m in v] for k, v in caught.value.errors.items()} == {
        "email": ["There is already an account with this email address."]}


def test_changing_a_password_uses_the_same_rules(services):
    user = services.accounts.create_user(email="lee@library.example.org", name="Lee", role="coordinator",
                                         password="a long password")
    with pytest.raises(ValidationErrors) as caught:
        services.accounts.change_password(user.id, "a long password", "lee@library.example.org",
                                          "lee@library.example.org")
    assert [str(m) for m in caught.value.errors["new_password"]] == ["Do not use your email address as your password."]
