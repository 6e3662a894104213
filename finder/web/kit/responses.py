"""JSON answers serialised by orjson: the same compact UTF-8 bytes as Starlette's JSONResponse
(no spaces, non-ASCII as itself), several times quicker for a page of results."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
