"""The writer of the eligibility rules: a change is kept with its audit entry, a reset puts the shipped
rule back, and the table the migration makes is the one the model describes."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from finder.domain import eligibility
from finder.models import AuditEntry, EligibilityRule
from finder.queries import eligibility as rules_query


def stored(services):
    with services.sessions() as db:
        return db.scalars(select(EligibilityRule)).all(), db.scalars(select(AuditEntry)).all()


def test_the_shipped_rules_are_in_force_until_changed(services):
    with services.sessions() as db:
        assert rules_query.rules(db) == list(eligibility.DEFAULT_RULES)
        assert all(rule.changed_on is None for rule in rules_query.rules(db))


def test_a_change_is_kept_and_audited_then_reset(services):
    before = eligibility.DEFAULTS_BY_KEY["benefits"]
    edited = before.edited(ages=frozenset({"19-plus"}))
    services.eligibility.save(edited, before, actor="cora@example.org")
    with services.sessions() as db:
        rule = rules_query.rule(db, "benefits")
    assert rule == edited and rule.changed_on is not None
    rows, audit = stored(services)
    assert [(r.key, r.ages, r.updated_by) for r in rows] == [("benefits", ["19-plus"], "cora@example.org")]
    assert [(a.action, a.entity, a.before["ages"], a.after["ages"]) for a in audit] == [
        ("edit", "eligibility_rule", ["16-18", "19-plus"], ["19-plus"])]

    # A second change updates the same row.
    services.eligibility.save(edited.edited(min_months=3), edited, actor="cora@example.org")
    rows, audit = stored(services)
    assert len(rows) == 1 and rows[0].min_months == 3 and len(audit) == 2

    assert services.eligibility.reset("benefits", actor="cora@example.org") is True
    rows, audit = stored(services)
    assert rows == [] and audit[-1].action == "reset" and audit[-1].after["ages"] == ["16-18", "19-plus"]
    assert services.eligibility.reset("benefits", actor="cora@example.org") is False
    assert len(stored(services)[1]) == 3
    with services.sessions() as db:
        assert rules_query.rule(db, "benefits") == before


def test_only_shipped_rules_can_be_changed(services):
    made_up = eligibility.DEFAULT_RULES[0].edited(key="made-up")
    with pytest.raises(LookupError):
        services.eligibility.save(made_up, made_up, actor="x")
    with pytest.raises(LookupError):
        services.eligibility.reset("made-up", actor="x")
    assert stored(services) == ([], [])


def test_the_migration_makes_the_table_the_model_describes(services):
    columns = {c["name"]: c for c in inspect(services.engine).get_columns("eligibility_rules")}
    assert set(columns) == set(EligibilityRule.__table__.columns.keys())
    assert all(not c["nullable"] for name, c in columns.items())
