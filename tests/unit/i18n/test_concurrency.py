"""Many requests at once in mixed languages: each is answered in its own language (the locale
lives in a per-request context variable, never on the shared template environment)."""

from __future__ import annotations

import asyncio
import re

import httpx2

from finder import i18n
from finder.web.app import create_app

WORDS = {code: i18n.translations(code).gettext("Find an English class near you") for code in i18n.SHIPPED_LOCALES}


def test_100_concurrent_requests_in_mixed_languages(i18n_services):
    app = create_app(services=i18n_services, prepare=False)
    languages = [i18n.SHIPPED_LOCALES[n % len(i18n.SHIPPED_LOCALES)] for n in range(100)]

    transport = httpx2.ASGITransport(app=app)

    async def ask(code, n):
        # A client per request (cookies must not leak between them); the three ways of asking
        # in turn: the URL, a remembered choice, the browser's language.
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            if n % 3 == 0:
                response = await client.get(f"/?lang={code}")
            elif n % 3 == 1:
                response = await client.get("/", headers={"cookie": f"lang={code}"})
            else:
                response = await client.get("/", headers={"accept-language": code.replace("_", "-") + ",en;q=0.1"})
        return code, response

    async def main():
        return await asyncio.gather(*(ask(code, n) for n, code in enumerate(languages)))

    answers = asyncio.run(main())
    wrong = []
    for code, response in answers:
        lang = re.search(r'<html lang="([^"]+)"', response.text).group(1)
        if response.status_code != 200 or lang != code.replace("_", "-") or WORDS[code] not in response.text:
            wrong.append((code, lang))
    assert not wrong
    assert len(answers) == 100
