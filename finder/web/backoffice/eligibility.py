"""Coordinators edit the rules of "Can I join for free?" (/backoffice/eligibility): each shipped rule
can be changed, switched off or put back as shipped; every change through
finder.operations.eligibility, with an audit entry."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors, eligibility
from finder.i18n import gettext
from finder.queries import eligibility as rules_query
from finder.web.kit.auth import current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import error_texts, page, redirect_with, services


def _options(vocab, keys=None) -> list[tuple[str, str]]:
    return [(slug, str(term.label)) for slug, term in vocab.items() if keys is None or slug in keys]


def _rule(request: Request) -> eligibility.Rule:
    key = request.path_params["key"]
    with services(request).sessions() as db:
        rule = rules_query.rule(db, key) if key in eligibility.DEFAULTS_BY_KEY else None
    if rule is None:
        raise HTTPException(404)
    return rule


def _form_values(rule: eligibility.Rule) -> dict:
    values = eligibility.rule_values(rule)
    return {"statuses": values["statuses"], "ages": values["ages"], "min_months": str(values["min_months"]),
            "needs_benefits": ["1"] if rule.needs_benefits else [], "enabled": ["1"] if rule.enabled else []}


def _edit_page(request, rule, values, errors=None, status_code=200):
    return page(request, "backoffice/eligibility_edit.html", {
        "rule": rule, "default": eligibility.DEFAULTS_BY_KEY[rule.key], "eligibility": eligibility,
        "values": values, "errors": errors or {},
        "status_options": _options(eligibility.STATUSES, eligibility.RULE_STATUSES),
        "age_options": _options(eligibility.AGES)}, status_code=status_code)


@login_required("coordinator")
async def rule_list(request: Request):
    with services(request).sessions() as db:
        rules = rules_query.rules(db)
    return page(request, "backoffice/eligibility.html", {"rules": rules, "eligibility": eligibility})


@login_required("coordinator")
async def edit_form(request: Request):
    rule = _rule(request)
    return _edit_page(request, rule, _form_values(rule))


@login_required("coordinator")
async def save(request: Request):
    form = await verify_csrf(request)
    rule = _rule(request)
    sent = {"statuses": form.getlist("statuses"), "ages": form.getlist("ages"),
            "min_months": str(form.get("min_months") or ""), "needs_benefits": str(form.get("needs_benefits") or ""),
            "enabled": str(form.get("enabled") or "")}
    try:
        edited = eligibility.validate_rule(rule, sent)
    except ValidationErrors as exc:
        values = {**sent, "needs_benefits": [sent["needs_benefits"]], "enabled": [sent["enabled"]]}
        return _edit_page(request, rule, values, error_texts(exc.errors), status_code=400)
    services(request).eligibility.save(edited, rule, actor=current_user(request).email)
    return redirect_with(request, "/backoffice/eligibility",
                         gettext("Saved. “Can I join for free?” uses the changed rule now."))


@login_required("coordinator")
async def reset(request: Request):
    await verify_csrf(request)
    rule = _rule(request)
    changed = services(request).eligibility.reset(rule.key, actor=current_user(request).email)
    return redirect_with(request, "/backoffice/eligibility",
                         gettext("The rule is as shipped again.") if changed else
                         gettext("The rule was already as shipped."))


routes = [
    Route("/backoffice/eligibility", rule_list, methods=["GET"]),
    Route("/backoffice/eligibility/{key}", edit_form, methods=["GET"]),
    Route("/backoffice/eligibility/{key}", save, methods=["POST"]),
    Route("/backoffice/eligibility/{key}/reset", reset, methods=["POST"]),
]
