"""Can I join for free? (/help/free): four questions in a GET form, then which published listings
are free for that person and why (finder.domain.eligibility). The answers live in the URL only:
nothing here stores or logs them, and the page is not cached."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from finder.domain import ValidationErrors, eligibility
from finder.queries import eligibility as rules_query
from finder.web.kit.pages import error_texts, services
from finder.web.kit.rendering import render


def _options(vocab) -> list[tuple[str, str]]:
    return [(slug, str(term.label)) for slug, term in vocab.items()]


async def free(request: Request):
    params = request.query_params
    values = {name: params.get(name, "") for name in eligibility.QUESTIONS}
    answers, errors = None, {}
    if eligibility.asked(params):
        try:
            answers = eligibility.parse_answers(params)
        except ValidationErrors as exc:
            errors = error_texts(exc.errors)
    app_services = services(request)
    results: dict[str, list] = {eligibility.FREE: [], eligibility.ASK: [], eligibility.PAY: []}
    fee_count = 0
    with app_services.sessions() as db:
        rules = rules_query.rules(db)
        if answers is not None:
            # Many listings share a cost and groups: weigh and word each pair once.
            seen: dict[tuple, tuple] = {}
            for course in rules_query.candidate_courses(db, app_services.settings.hide_after_days):
                pair = (course.cost, tuple(course.eligibility or ()))
                if pair not in seen:
                    result = eligibility.verdict(course.cost, course.eligibility, rules, answers)
                    seen[pair] = (result, eligibility.explain(result))
                result, reason = seen[pair]
                results[result.outcome].append((course, result, reason))
            fee_count = rules_query.fee_course_count(db)
    response = render(request, "public/help/free.html", {
        "values": values, "errors": errors, "answers": answers, "results": results, "fee_count": fee_count,
        "rules": [r for r in rules if r.enabled], "eligibility": eligibility,
        "questions": {name: _options(vocab) for name, vocab in eligibility.QUESTIONS.items()},
    }, status_code=400 if errors else 200)
    # Someone else at a shared computer must not find these answers in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [Route("/help/free", free, name="help_free")]
