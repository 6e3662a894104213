"""Who can join a class for free: the questions of the "Can I join for free?" helper (/help/free),
the eligibility rules coordinators edit, and the verdict for one listing. Pure: no I/O.

A listing says what it costs (`cost`: free, fee, concessions) and, for concessions, who gets it
free (`eligibility`: asylum-seekers, refugees, benefits, residents; "anyone" says nothing about who).
A rule says which answers put a person in one of those groups. A listing with concessions is free
for the person when one of its groups has a rule their answers fit; when an answer was "not sure" or
"prefer not to say" and that answer decides it, the verdict is "ask the provider".

Answers are never stored: they come from the URL and go into a verdict, nothing else.

The shipped rules (DEFAULT_RULES) are guidance for England, each with its source and date; the
provider always has the last word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Iterable, Literal, Mapping

from babel.lists import format_list

from finder.domain.numbers import NumberError, parse_integer
from finder.domain.values import ValidationErrors
from finder.domain.vocabulary import ELIGIBILITY, Term
from finder.i18n import get_locale, gettext, ngettext
from finder.i18n import lazy_gettext as _l


def _vocab(*terms: Term) -> dict[str, Term]:
    return {t.slug: t for t in terms}


# -- the questions (the URL parameters of /help/free, a public contract) -------------------------
STATUSES = _vocab(
    Term("asylum", _l("I am seeking asylum (waiting for a decision on my claim or an appeal)"),
         _l("seeking asylum")),
    Term("refugee", _l("I have refugee status or humanitarian protection, or came on a resettlement scheme "
                       "(for example from Afghanistan, or Homes for Ukraine)"),
         _l("refugee status, humanitarian protection or resettlement")),
    Term("visa", _l("I have another visa (for example work, study or family)"), _l("another visa")),
    Term("settled", _l("I am British or Irish, or I have settled or pre-settled status"),
         _l("British, Irish, settled or pre-settled")),
    Term("unsaid", _l("I prefer not to say"), _l("prefer not to say")),
)
# The statuses a rule can name; "unsaid" is no status.
RULE_STATUSES = ("asylum", "refugee", "visa", "settled")

SINCE = _vocab(
    Term("under-6-months", _l("Less than 6 months")),
    Term("6-months-to-3-years", _l("6 months to 3 years")),
    Term("3-years-plus", _l("3 years or more")),
    Term("not-sure", _l("I am not sure")),
)
# Each answer as months in the UK: (at least, less than); None: no upper end.
SINCE_MONTHS: dict[str, tuple[int, int | None]] = {
    "under-6-months": (0, 6), "6-months-to-3-years": (6, 36), "3-years-plus": (36, None), "not-sure": (0, None),
}

AGES = _vocab(
    Term("16-18", _l("16 to 18")),
    Term("19-plus", _l("19 or over")),
)

BENEFITS = _vocab(
    Term("yes", _l("Yes")),
    Term("no", _l("No")),
    Term("not-sure", _l("I am not sure")),
)

QUESTIONS = {"status": STATUSES, "since": SINCE, "age": AGES, "benefits": BENEFITS}
QUESTION_NAMES = {
    "status": _l("your immigration status"),
    "since": _l("how long you have been in the UK"),
    "age": _l("your age"),
    "benefits": _l("whether you get benefits or have a low income"),
}
MISSING = {
    "status": _l("Choose your immigration status, or “I prefer not to say”"),
    "since": _l("Choose how long you have been in the UK, or “I am not sure”"),
    "age": _l("Choose your age"),
    "benefits": _l("Choose whether you get benefits or have a low income, or “I am not sure”"),
}


@dataclass(frozen=True)
class Answers:
    status: str
    since: str
    age: str
    benefits: str


# Sent by the form itself, so a form sent with nothing chosen is told what to answer.
ASKED = "asked"


def asked(params: Mapping[str, str]) -> bool:
    """True when the helper's form was sent (`asked=1`, or any question answered, even wrongly)."""
    return any(name in params for name in (ASKED, *QUESTIONS))


def parse_answers(params: Mapping[str, str]) -> Answers:
    """The four answers; ValidationErrors (one message per unanswered or unknown question) otherwise."""
    errors: dict[str, list] = {}
    values = {}
    for name, choices in QUESTIONS.items():
        value = params.get(name) or ""
        if value not in choices:
            errors[name] = [MISSING[name]]
        values[name] = value
    if errors:
        raise ValidationErrors(errors)
    return Answers(**values)


# -- three-valued answers to "does this rule fit?" ------------------------------------------------
class Fit(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def all_of(values: Iterable[Fit]) -> Fit:
    values = list(values)
    if Fit.NO in values:
        return Fit.NO
    return Fit.UNKNOWN if Fit.UNKNOWN in values else Fit.YES


# -- the rules ------------------------------------------------------------------------------------
MAX_MONTHS = 120

# Who gets a listing's concessions free: the groups a rule can belong to ("anyone" names nobody).
RULE_GROUPS = ("asylum-seekers", "refugees", "benefits", "residents")


@dataclass(frozen=True)
class Source:
    """Where a shipped rule comes from: a publication (its title as published, in English), its
    address, the date of the version read, and what it says, in plain words (translated)."""

    title: str
    url: str
    published: dt.date | None
    says: object


ASF = ("Adult skills fund: funding and performance management rules 2025 to 2026 (version 2)",
       "https://www.gov.uk/government/publications/adult-skills-fund-funding-rules/"
       "adult-skills-fund-funding-rules-2025-to-2026", dt.date(2025, 7, 23))
YOUNG = ("16 to 19 education: funding guidance",
         "https://www.gov.uk/government/collections/funding-education-for-16-to-19-year-olds", None)
LISTING = Source("", "", None, _l("The listing says the provider offers free places to this group."))
# When these defaults were written and checked against their sources.
DEFAULTS_CHECKED = dt.date(2026, 12, 2)


@dataclass(frozen=True)
class Rule:
    """Which answers put a person in `group`: every condition must fit."""

    key: str
    group: str
    statuses: frozenset[str]
    min_months: int = 0
    ages: frozenset[str] = frozenset(AGES)
    needs_benefits: bool = False
    enabled: bool = True
    source: Source = field(default=LISTING, compare=False)
    changed_on: dt.date | None = field(default=None, compare=False)  # None: as shipped

    def fits(self, answers: Answers) -> dict[str, Fit]:
        """How each of the person's answers fits this rule, by question."""
        if set(RULE_STATUSES) <= self.statuses:
            status = Fit.YES
        elif answers.status == "unsaid":
            status = Fit.UNKNOWN
        else:
            status = Fit.YES if answers.status in self.statuses else Fit.NO
        low, high = SINCE_MONTHS[answers.since]
        if self.min_months <= low:
            since = Fit.YES
        elif high is not None and high <= self.min_months:
            since = Fit.NO
        else:
            since = Fit.UNKNOWN
        age = Fit.YES if answers.age in self.ages else Fit.NO
        if not self.needs_benefits or answers.benefits == "yes":
            benefits = Fit.YES
        else:
            benefits = Fit.NO if answers.benefits == "no" else Fit.UNKNOWN
        return {"status": status, "since": since, "age": age, "benefits": benefits}

    def fit(self, answers: Answers) -> Fit:
        return all_of(self.fits(answers).values()) if self.enabled else Fit.NO

    def edited(self, **changes) -> "Rule":
        return replace(self, **changes)


DEFAULT_RULES: tuple[Rule, ...] = (
    # The listing itself says these groups come free: the group is the whole rule.
    Rule("asylum-seekers", "asylum-seekers", frozenset({"asylum"})),
    Rule("refugees", "refugees", frozenset({"refugee"})),
    Rule("benefits", "benefits", frozenset(RULE_STATUSES), needs_benefits=True),
    # "Residents who meet the residency rules": publicly funded ESOL (colleges, adult learning services).
    # 16 to 18 year olds: free education and training.
    Rule("residents-16-to-18", "residents", frozenset(RULE_STATUSES), ages=frozenset({"16-18"}),
         source=Source(*YOUNG, says=_l("Education and training for young people aged 16 to 18 is free."))),
    # Adults: ESOL is fully funded for people who are unemployed, on benefits or earn under the low-wage
    # threshold (£25,750 in 2025 to 2026); the 3-year residency rule went in August 2025.
    Rule("residents-low-income", "residents", frozenset({"refugee", "settled"}), ages=frozenset({"19-plus"}),
         needs_benefits=True,
         source=Source(*ASF, says=_l("English classes (ESOL) are free for adults who are unemployed, get benefits "
                                     "or earn less than £25,750 a year."))),
    # People seeking asylum are eligible once they have waited 6 months for a decision (or an appeal);
    # they may not work, so they count as on a low income.
    Rule("residents-asylum-6-months", "residents", frozenset({"asylum"}), min_months=6,
         ages=frozenset({"19-plus"}),
         source=Source(*ASF, says=_l("People seeking asylum can get free English classes (ESOL) once they have "
                                     "waited 6 months or more for a decision on their claim or appeal."))),
)
DEFAULTS_BY_KEY = {rule.key: rule for rule in DEFAULT_RULES}


def with_changes(changes: Mapping[str, Mapping]) -> list[Rule]:
    """The shipped rules with coordinators' changes (by rule key) laid over them, in their order."""
    rules = []
    for rule in DEFAULT_RULES:
        change = changes.get(rule.key)
        rules.append(rule if change is None else rule.edited(**change))
    return rules


def validate_rule(rule: Rule, form: Mapping[str, object]) -> Rule:
    """A coordinator's edit of `rule` from its form (statuses, ages: lists; min_months; needs_benefits,
    enabled: "1" or not); ValidationErrors keyed by field name otherwise."""
    errors: dict[str, list] = {}
    statuses = [s for s in _strings(form.get("statuses")) if s]
    if not statuses:
        errors["statuses"] = [_l("Choose at least one immigration status")]
    elif not set(statuses) <= set(RULE_STATUSES):
        errors["statuses"] = [_l("Choose immigration statuses from the list")]
    ages = [a for a in _strings(form.get("ages")) if a]
    if not ages:
        errors["ages"] = [_l("Choose at least one age")]
    elif not set(ages) <= set(AGES):
        errors["ages"] = [_l("Choose ages from the list")]
    months = 0
    try:
        months = parse_integer(str(form.get("min_months") or "0"), 0, MAX_MONTHS)
    except NumberError:
        errors["min_months"] = [_l("Enter a whole number of months from 0 to %(most)s", most=MAX_MONTHS)]
    if errors:
        raise ValidationErrors(errors)
    return rule.edited(statuses=frozenset(statuses), ages=frozenset(ages), min_months=months,
                       needs_benefits=form.get("needs_benefits") == "1", enabled=form.get("enabled") == "1")


def _strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def rule_values(rule: Rule) -> dict:
    """A rule as stored and audited (JSON-able): what coordinators can change."""
    return {"statuses": sorted(rule.statuses), "min_months": rule.min_months, "ages": sorted(rule.ages),
            "needs_benefits": rule.needs_benefits, "enabled": rule.enabled}


# -- verdicts -------------------------------------------------------------------------------------
FREE, ASK, PAY = "free", "ask", "pay"


@dataclass(frozen=True)
class Verdict:
    """For one listing and one person: `outcome` is FREE, ASK or PAY; `reason` a code
    ("free-for-everyone", "rule", "depends", "unsaid-who", "fee", "not-in-groups", "only-for-groups"), with
    the rules that fit (FREE) and the questions the answer depends on (ASK)."""

    outcome: str
    reason: str
    rules: tuple[Rule, ...] = ()
    depends_on: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


def verdict(cost: str, eligibility: Iterable[str], rules: Iterable[Rule], answers: Answers) -> Verdict:
    """Is a listing with this `cost` and `eligibility` free for the person who gave `answers`, and why.

    A free listing that names groups is only for them (a refugee project, say): free for the person
    when they fit one of the groups, as with concessions."""
    groups = tuple(g for g in RULE_GROUPS if g in set(eligibility or ()))
    if cost == "free" and not groups:
        return Verdict(FREE, "free-for-everyone")
    if cost not in ("free", "concessions"):
        return Verdict(PAY, "fee")
    if not groups:
        return Verdict(ASK, "unsaid-who")
    fitting: list[Rule] = []
    depends: list[str] = []
    for rule in rules:
        if rule.group not in groups or not rule.enabled:
            continue
        fits = rule.fits(answers)
        overall = all_of(fits.values())
        if overall is Fit.YES:
            fitting.append(rule)
        elif overall is Fit.UNKNOWN:
            depends.extend(q for q, f in fits.items() if f is Fit.UNKNOWN and q not in depends)
    if fitting:
        return Verdict(FREE, "rule", rules=tuple(fitting), groups=groups)
    if depends:
        return Verdict(ASK, "depends", depends_on=tuple(q for q in QUESTIONS if q in depends), groups=groups)
    return Verdict(PAY, "only-for-groups" if cost == "free" else "not-in-groups", groups=groups)


# -- in plain words, in the reader's language ----------------------------------------------------
def _join(items: list[str], style: Literal["standard", "or"] = "standard") -> str:
    return format_list(items, style=style, locale=get_locale()) if items else ""


def group_names(groups: Iterable[str]) -> str:
    return _join([str(ELIGIBILITY[g].label) for g in groups if g in ELIGIBILITY], "or")


def conditions(rule: Rule) -> list[str]:
    """What a person must have for `rule`, one plain sentence each."""
    lines = []
    if not set(RULE_STATUSES) <= rule.statuses:
        lines.append(gettext("Immigration status: %(statuses)s",
                             statuses=_join([str(STATUSES[s].explanation) for s in RULE_STATUSES
                                             if s in rule.statuses], "or")))
    if rule.min_months:
        lines.append(ngettext("In the UK, or waiting for an asylum decision, for at least %(num)s month",
                              "In the UK, or waiting for an asylum decision, for at least %(num)s months",
                              rule.min_months))
    if set(AGES) - rule.ages:
        lines.append(gettext("Age: %(ages)s", ages=_join([str(AGES[a].label) for a in AGES if a in rule.ages], "or")))
    if rule.needs_benefits:
        lines.append(gettext("Gets benefits or has a low income"))
    if not lines:
        lines.append(gettext("Everyone"))
    return lines


def explain(result: Verdict) -> str:
    """The verdict's reason, one plain sentence."""
    if result.reason == "free-for-everyone":
        return gettext("This class is free for everyone.")
    if result.reason == "rule":
        return gettext("This class is free for: %(groups)s. Your answers fit the guidance for this.",
                       groups=group_names(r.group for r in _unique_groups(result.rules)))
    if result.reason == "depends":
        return gettext("This class is free for: %(groups)s. It depends on %(questions)s, so ask the provider.",
                       groups=group_names(result.groups),
                       questions=_join([str(QUESTION_NAMES[q]) for q in result.depends_on]))
    if result.reason == "unsaid-who":
        return gettext("This class is free or cheaper for some people, but the listing does not say who. "
                       "Ask the provider.")
    if result.reason == "fee":
        return gettext("This class charges a fee.")
    if result.reason == "only-for-groups":
        return gettext("This class is only for: %(groups)s. From your answers it may not be for you: "
                       "ask the provider.", groups=group_names(result.groups))
    return gettext("This class is free only for: %(groups)s. From your answers you may have to pay: "
                   "ask the provider.", groups=group_names(result.groups))


def _unique_groups(rules: Iterable[Rule]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.group, rule)
    return list(seen.values())
