"""Back office: bulk import (upload, dry run, confirm) and export of the catalogue. Coordinators only.

The uploaded file is kept under `<data dir>/imports/` by an unguessable token between the
dry run and the confirmation, so the coordinator does not upload it twice; the confirmation
checks the file again against the catalogue as it is then, and writes all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from finder.i18n import lazy_gettext as _l
from finder.imports import exports, tabular
from finder.imports import plan as planning
from finder.web.kit.auth import current_user, login_required
from finder.web.kit.csrf import verify_csrf
from finder.web.kit.pages import services as app_services
from finder.web.kit.rendering import render

STATUS_CHOICES = ("", "pending", "published", "draft")
KEEP_UPLOADS_SECONDS = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Room for the form's other fields around the file in a multipart body.
_MULTIPART_SLACK = 64 * 1024



def _uploads(request: Request):
    folder = app_services(request).settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder) -> None:
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _page(request: Request, template: str, context: dict, status_code: int = 200):
    return render(request, template, {"user": current_user(request), **context}, status_code=status_code)


def _status(value) -> str | None:
    value = value if isinstance(value, str) else ""
    return value if value in STATUS_CHOICES and value else None


def _form_page(request: Request, problem=None, status_code: int = 200, chosen_status: str = ""):
    limits = app_services(request).settings
    return _page(request, "backoffice/import.html", {
        "problem": problem, "status_choices": STATUS_CHOICES, "chosen_status": chosen_status,
        "max_mb": round(limits.import_max_bytes / 1024 / 1024, 1), "max_rows": limits.import_max_rows,
    }, status_code=status_code)


@login_required(role="coordinator")
async def import_form(request: Request):
    return _form_page(request)


@login_required(role="coordinator")
async def import_upload(request: Request):
    settings = app_services(request).settings
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.import_max_bytes + _MULTIPART_SLACK:
        return _form_page(request, _too_large(settings), status_code=413)
    try:
        return await _check_upload(request, await verify_csrf(request))
    finally:
        await request.close()  # the uploaded file's temporary copy


async def _check_upload(request: Request, form):
    settings = app_services(request).settings
    upload = form.get("file")
    chosen = _status(form.get("status"))
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _form_page(request, _l("Choose a CSV or Excel file to upload."), 400, chosen or "")
    content = await upload.read(settings.import_max_bytes + 1)
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    if len(content) > settings.import_max_bytes:
        return _form_page(request, _too_large(settings), 413, chosen or "")
    try:
        fmt = tabular.file_format(filename, content)
    except tabular.TableError as exc:
        return _form_page(request, exc.message, 400, chosen or "")
    plan = await run_in_threadpool(planning.make_plan, app_services(request), content, filename, default_status=chosen)
    token = None
    if plan.ok:
        folder = _uploads(request)
        _forget_old_uploads(folder)
        token = secrets.token_urlsafe(32)
        (folder / f"{token}.{fmt}").write_bytes(content)
        (folder / f"{token}.json").write_text(json.dumps(
            {"filename": filename, "format": fmt, "status": chosen, "user": current_user(request).id}))
    return _page(request, "backoffice/import_plan.html", {"plan": plan, "token": token,
                                                          "labels": planning.OUTCOME_LABELS},
                 status_code=200 if plan.ok else 422)


@login_required(role="coordinator")
async def import_confirm(request: Request):
    form = await verify_csrf(request)
    token = form.get("token")
    folder = _uploads(request)
    if not isinstance(token, str) or not _TOKEN_RE.match(token) or not (folder / f"{token}.json").exists():
        return _form_page(request, _l("That upload has expired or was already imported. Upload the file again."),
                          status_code=410)
    meta = json.loads((folder / f"{token}.json").read_text())
    if meta.get("user") != current_user(request).id:
        return _form_page(request, _l("That upload has expired or was already imported. Upload the file again."),
                          status_code=410)
    content = (folder / f"{token}.{meta['format']}").read_bytes()
    services = app_services(request)
    actor = f"import by {current_user(request).email} from {meta['filename']}"

    def check_and_commit():
        plan = planning.make_plan(services, content, meta["filename"], default_status=meta["status"],
                                  simulate=False)
        if plan.ok:
            return planning.commit(services, plan, actor=actor, default_status=meta["status"])
        return planning.dry_run(services, plan, default_status=meta["status"])

    plan = await run_in_threadpool(check_and_commit)
    if not plan.committed:
        # The catalogue changed since the dry run and a row no longer fits: show why.
        return _page(request, "backoffice/import_plan.html", {"plan": plan, "token": None,
                                                              "labels": planning.OUTCOME_LABELS}, status_code=409)
    for path in (folder / f"{token}.json", folder / f"{token}.{meta['format']}"):
        path.unlink(missing_ok=True)
    return _page(request, "backoffice/import_done.html", {"plan": plan, "labels": planning.OUTCOME_LABELS})


def _too_large(settings):
    return _l("The file is too large. Files can be at most %(limit)s MB; split it into smaller files.",
              limit=round(settings.import_max_bytes / 1024 / 1024, 1))


def _format(request: Request) -> str:
    fmt = request.path_params["fmt"]
    if fmt not in exports.FORMATS:
        raise HTTPException(404)
    return fmt


def _download(content: bytes, fmt: str, name: str) -> Response:
    return Response(content, media_type=exports.MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"', "Cache-Control": "no-store"})


@login_required(role="coordinator")
async def import_template(request: Request):
    fmt = _format(request)
    return _download(exports.template(fmt), fmt, "esol-finder-import-template")


@login_required(role="coordinator")
async def export(request: Request):
    fmt = _format(request)
    published_only = request.query_params.get("published") == "1"
    services = app_services(request)

    def build():
        with services.sessions() as db:
            return exports.render(exports.export_catalogue(db, published_only=published_only).rows, fmt)

    content = await run_in_threadpool(build)
    name = f"esol-finder-{'published' if published_only else 'all'}-courses-{dt.date.today().isoformat()}"
    return _download(content, fmt, name)


async def import_redirect(request: Request):
    return RedirectResponse("/backoffice/import", status_code=303)


routes = [
    Route("/backoffice/import", import_form, methods=["GET"]),
    Route("/backoffice/import", import_upload, methods=["POST"]),
    Route("/backoffice/import/confirm", import_confirm, methods=["POST"]),
    Route("/backoffice/import/confirm", import_redirect, methods=["GET"]),
    Route("/backoffice/import/template.{fmt:str}", import_template, methods=["GET"]),
    Route("/backoffice/export.{fmt:str}", export, methods=["GET"]),
]
