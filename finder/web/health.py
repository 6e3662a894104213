"""`/healthz` and `/readyz`: cheap, unauthenticated answers for a proxy, a load balancer or systemd.

`/healthz` says only that the process answers (200, always, touching nothing). `/readyz` says whether
this instance should be sent searches: the database answers, its schema is at this code's migrations,
and the search index is at the database's catalogue version (or behind it for no longer than
ESOL_FINDER_INDEX_LAG_BUDGET seconds). 200 when ready, 503 when not, with a small JSON body saying
which check failed. Neither is logged with anything personal, nor cached.
"""

from __future__ import annotations

import functools

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from finder.db import database_revisions, head_revisions

NO_STORE = {"Cache-Control": "no-store"}


@functools.cache
def _heads() -> frozenset[str]:
    return frozenset(head_revisions())


async def healthz(request: Request):
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


def readiness(services) -> tuple[bool, dict]:
    try:
        schema_ok = database_revisions(services.engine) == _heads()
        state = services.search.readiness()
    except SQLAlchemyError:
        return False, {"ready": False, "database": "unreachable"}
    body = {
        "ready": schema_ok and state.ready,
        "database": "ok",
        "migrations": "at head" if schema_ok else "behind: run esol-finder migrate",
        "index": {"ready": state.ready, "detail": state.detail, "database_version": state.database_version,
                  "index_version": state.index_version, "rebuilding": state.rebuilding,
                  "behind_seconds": state.behind_seconds},
    }
    return bool(body["ready"]), body


async def readyz(request: Request):
    from starlette.concurrency import run_in_threadpool

    ready, body = await run_in_threadpool(readiness, request.app.state.services)
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
