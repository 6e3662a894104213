"""Coordinators' changes to the rules of "Can I join for free?": one transaction each, with an audit
entry (entity "eligibility_rule", before and after). The rules are not in the search index: nothing
else to tell."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from finder.domain import eligibility
from finder.models import AuditEntry, EligibilityRule


class EligibilityRules:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def save(self, rule: eligibility.Rule, before: eligibility.Rule, actor: str) -> None:
        """Keep `rule` (a validated edit of the rule in force, `before`) in place of the shipped one."""
        if rule.key not in eligibility.DEFAULTS_BY_KEY:
            raise LookupError(rule.key)
        values = eligibility.rule_values(rule)
        with self.sessions.begin() as db:
            row = db.scalar(select(EligibilityRule).where(EligibilityRule.key == rule.key))
            if row is None:
                row = EligibilityRule(key=rule.key)
                db.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = actor
            db.flush()
            db.add(AuditEntry(actor=actor, action="edit", entity="eligibility_rule", entity_id=row.id,
                              before={"key": rule.key, **eligibility.rule_values(before)},
                              after={"key": rule.key, **values}))

    def reset(self, key: str, actor: str) -> bool:
        """Back to the shipped rule; False when it was as shipped already."""
        default = eligibility.DEFAULTS_BY_KEY.get(key)
        if default is None:
            raise LookupError(key)
        with self.sessions.begin() as db:
            row = db.scalar(select(EligibilityRule).where(EligibilityRule.key == key))
            if row is None:
                return False
            before = {"key": key, "statuses": sorted(row.statuses or ()), "min_months": row.min_months,
                      "ages": sorted(row.ages or ()), "needs_benefits": row.needs_benefits, "enabled": row.enabled}
            db.add(AuditEntry(actor=actor, action="reset", entity="eligibility_rule", entity_id=row.id,
                              before=before, after={"key": key, **eligibility.rule_values(default)}))
            db.delete(row)
        return True
