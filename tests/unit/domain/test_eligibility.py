"""Who can join free: every combination of answers gets the verdict and reason the guidance gives."""

from __future__ import annotations

import itertools

import pytest

from finder.domain import ValidationErrors
from finder.domain import eligibility as e
from finder.domain.eligibility import ASK, FREE, PAY, Answers

RULES = e.DEFAULT_RULES
ALL_ANSWERS = [Answers(*combo) for combo in itertools.product(e.STATUSES, e.SINCE, e.AGES, e.BENEFITS)]


def judge(cost, eligibility, answers, rules=RULES):
    return e.verdict(cost, eligibility, rules, answers)


def test_every_combination_of_answers_is_covered():
    assert len(ALL_ANSWERS) == 5 * 4 * 2 * 3


# -- reading the answers from the URL -------------------------------------------------------------
def test_four_answers_are_read():
    answers = e.parse_answers({"status": "refugee", "since": "3-years-plus", "age": "19-plus", "benefits": "no"})
    assert answers == Answers("refugee", "3-years-plus", "19-plus", "no")


def test_nothing_asked_yet_is_not_an_error():
    assert not e.asked({})
    assert not e.asked({"lang": "ar"})
    assert e.asked({"age": ""})
    assert e.asked({"asked": "1"})  # the form sent with nothing chosen


@pytest.mark.parametrize("params, missing", [
    ({"asked": "1"}, {"status", "since", "age", "benefits"}),
    ({"status": "asylum"}, {"since", "age", "benefits"}),
    ({"status": "asylum", "since": "6-months-to-3-years", "age": "19-plus"}, {"benefits"}),
    ({"status": "martian", "since": "forever", "age": "99", "benefits": "maybe"}, {"status", "since", "age", "benefits"}),
    ({"status": "", "since": "not-sure", "age": "16-18", "benefits": "yes"}, {"status"}),
])
def test_an_incomplete_or_wrong_form_says_which_questions_to_answer(params, missing):
    with pytest.raises(ValidationErrors) as caught:
        e.parse_answers(params)
    assert set(caught.value.errors) == missing
    assert all(str(messages[0]).startswith("Choose") for messages in caught.value.errors.values())


# -- what every combination gets ------------------------------------------------------------------
@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_a_free_class_is_free_for_everyone(answers):
    result = judge("free", ["anyone"], answers)
    assert (result.outcome, result.reason) == (FREE, "free-for-everyone")
    assert e.explain(result) == "This class is free for everyone."


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_a_free_class_only_for_some_groups_is_free_for_them(answers):
    result = judge("free", ["asylum-seekers", "refugees"], answers)
    if answers.status in ("asylum", "refugee"):
        assert (result.outcome, result.reason) == (FREE, "rule")
    elif answers.status == "unsaid":
        assert (result.outcome, result.reason, result.depends_on) == (ASK, "depends", ("status",))
    else:
        assert (result.outcome, result.reason) == (PAY, "only-for-groups")
        assert e.explain(result) == ("This class is only for: People seeking asylum or Refugees. From your answers "
                                     "it may not be for you: ask the provider.")


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_a_class_with_a_fee_is_never_free(answers):
    result = judge("fee", ["refugees", "asylum-seekers", "benefits", "residents"], answers)
    assert (result.outcome, result.reason) == (PAY, "fee")


@pytest.mark.parametrize("eligibility", [[], ["anyone"]])
@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_concessions_for_nobody_in_particular_means_ask(answers, eligibility):
    result = judge("concessions", eligibility, answers)
    assert (result.outcome, result.reason) == (ASK, "unsaid-who")
    assert "does not say who" in e.explain(result)


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_free_for_refugees(answers):
    result = judge("concessions", ["refugees"], answers)
    if answers.status == "refugee":
        assert (result.outcome, result.reason) == (FREE, "rule")
        assert [r.key for r in result.rules] == ["refugees"]
        assert "Refugees" in e.explain(result)
    elif answers.status == "unsaid":
        assert (result.outcome, result.reason, result.depends_on) == (ASK, "depends", ("status",))
        assert "It depends on your immigration status" in e.explain(result)
    else:
        assert (result.outcome, result.reason) == (PAY, "not-in-groups")
        assert "free only for: Refugees" in e.explain(result)


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_free_for_people_seeking_asylum(answers):
    result = judge("concessions", ["asylum-seekers"], answers)
    expected = {"asylum": FREE, "unsaid": ASK}.get(answers.status, PAY)
    assert result.outcome == expected


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_free_on_benefits_or_a_low_income(answers):
    result = judge("concessions", ["benefits"], answers)
    expected = {"yes": FREE, "not-sure": ASK, "no": PAY}[answers.benefits]
    assert result.outcome == expected
    if expected == ASK:
        assert result.depends_on == ("benefits",)


def residents_guidance(answers: Answers) -> tuple[str, set[str]]:
    """The funding guidance for "residents who meet the residency rules", in plain terms."""
    if answers.age == "16-18":
        return FREE, set()  # 16 to 18: free
    outcomes = []
    # Adults with refugee status or settled: free when on benefits or a low income.
    low_income = {"yes": FREE, "not-sure": ASK, "no": PAY}[answers.benefits]
    if answers.status in ("refugee", "settled"):
        outcomes.append((low_income, {"benefits"} if low_income == ASK else set()))
    # Adults seeking asylum: free after 6 months waiting.
    waited = {"under-6-months": PAY, "6-months-to-3-years": FREE, "3-years-plus": FREE, "not-sure": ASK}[answers.since]
    if answers.status == "asylum":
        outcomes.append((waited, {"since"} if waited == ASK else set()))
    if answers.status == "unsaid":
        # Either could be true: free only if... never sure; ask when either could fit.
        could = [(n, q) for n, q in (("benefits", low_income), ("since", waited)) if q != PAY]
        if could:
            return ASK, {"status"} | {n for n, q in could if q == ASK}
        return PAY, set()
    for outcome in (FREE, ASK):
        found = [deps for o, deps in outcomes if o == outcome]
        if found:
            return outcome, set().union(*found)
    return PAY, set()


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_free_for_residents_who_meet_the_funding_rules(answers):
    result = judge("concessions", ["residents"], answers)
    outcome, depends = residents_guidance(answers)
    assert result.outcome == outcome
    assert set(result.depends_on) == depends
    if outcome == FREE:
        assert result.reason == "rule" and {r.group for r in result.rules} == {"residents"}
    elif outcome == PAY:
        assert result.reason == "not-in-groups"


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_naming_more_groups_never_takes_a_free_place_away(answers):
    groups = ["asylum-seekers", "refugees", "benefits", "residents"]
    for size in range(1, len(groups)):
        for some in itertools.combinations(groups, size):
            if judge("concessions", list(some), answers).outcome == FREE:
                assert judge("concessions", groups, answers).outcome == FREE


@pytest.mark.parametrize("answers, outcome, reason_start", [
    (Answers("asylum", "6-months-to-3-years", "19-plus", "no"), FREE,
     "This class is free for: Residents who meet the residency rules."),
    (Answers("asylum", "under-6-months", "19-plus", "no"), PAY,
     "This class is free only for: Residents who meet the residency rules. From your answers you may have to pay"),
    (Answers("asylum", "not-sure", "19-plus", "no"), ASK,
     "This class is free for: Residents who meet the residency rules. It depends on how long you have been in the UK"),
    (Answers("visa", "3-years-plus", "19-plus", "yes"), PAY, "This class is free only for"),
    (Answers("visa", "under-6-months", "16-18", "no"), FREE, "This class is free for: Residents"),
])
def test_the_reason_is_said_in_plain_words(answers, outcome, reason_start):
    result = judge("concessions", ["residents"], answers)
    assert result.outcome == outcome
    assert e.explain(result).startswith(reason_start)


# -- coordinators' changes --------------------------------------------------------------------------
def test_a_rule_switched_off_makes_nobody_free():
    rules = e.with_changes({"refugees": {"enabled": False}})
    result = judge("concessions", ["refugees"], Answers("refugee", "3-years-plus", "19-plus", "no"), rules)
    assert result.outcome == PAY


def test_a_longer_wait_makes_an_answer_in_between_a_question_for_the_provider():
    rules = e.with_changes({"residents-asylum-6-months": {"min_months": 12}})
    between = judge("concessions", ["residents"], Answers("asylum", "6-months-to-3-years", "19-plus", "no"), rules)
    assert (between.outcome, between.depends_on) == (ASK, ("since",))
    longer = judge("concessions", ["residents"], Answers("asylum", "3-years-plus", "19-plus", "no"), rules)
    assert longer.outcome == FREE
    shorter = judge("concessions", ["residents"], Answers("asylum", "under-6-months", "19-plus", "no"), rules)
    assert shorter.outcome == PAY


def test_changes_keep_the_shipped_order_and_sources():
    rules = e.with_changes({"benefits": {"needs_benefits": False}})
    assert [r.key for r in rules] == [r.key for r in e.DEFAULT_RULES]
    assert rules[2].needs_benefits is False and rules[2].source == e.DEFAULT_RULES[2].source


def test_every_shipped_rule_says_where_it_comes_from():
    for rule in e.DEFAULT_RULES:
        assert str(rule.source.says)
        if rule.group == "residents" and rule.key != "residents-16-to-18":
            assert rule.source.url.startswith("https://www.gov.uk/") and rule.source.published
        assert e.conditions(rule)


def test_a_coordinators_edit_is_validated():
    rule = e.DEFAULTS_BY_KEY["residents-asylum-6-months"]
    edited = e.validate_rule(rule, {"statuses": ["asylum", "refugee"], "ages": ["19-plus", "16-18"],
                                    "min_months": "12", "needs_benefits": "", "enabled": "1"})
    assert edited.statuses == {"asylum", "refugee"} and edited.min_months == 12 and edited.enabled
    assert e.rule_values(edited) == {"statuses": ["asylum", "refugee"], "min_months": 12, "ages": ["16-18", "19-plus"],
                                     "needs_benefits": False, "enabled": True}


@pytest.mark.parametrize("form, wrong", [
    ({"statuses": [], "ages": ["19-plus"], "min_months": "0"}, {"statuses"}),
    ({"statuses": ["unsaid"], "ages": ["19-plus"], "min_months": "0"}, {"statuses"}),
    ({"statuses": ["asylum"], "ages": [], "min_months": "0"}, {"ages"}),
    ({"statuses": ["asylum"], "ages": ["65-plus"], "min_months": "0"}, {"ages"}),
    ({"statuses": ["asylum"], "ages": ["19-plus"], "min_months": "six"}, {"min_months"}),
    ({"statuses": ["asylum"], "ages": ["19-plus"], "min_months": "1e3"}, {"min_months"}),
    ({"statuses": ["asylum"], "ages": ["19-plus"], "min_months": "-1"}, {"min_months"}),
    ({"statuses": ["asylum"], "ages": ["19-plus"], "min_months": "121"}, {"min_months"}),
])
def test_a_wrong_edit_says_what_is_wrong(form, wrong):
    with pytest.raises(ValidationErrors) as caught:
        e.validate_rule(e.DEFAULT_RULES[0], form)
    assert set(caught.value.errors) == wrong
