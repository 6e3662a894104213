"""The ASGI entry point for uvicorn and other servers: `finder.web.asgi:app`.

A served instance logs in JSON (ESOL_FINDER_LOG_FORMAT), refuses a database schema that is behind
(unless ESOL_FINDER_AUTO_MIGRATE, the embedded SQLite default) and follows the database's change feed.
"""

from finder.db import SchemaBehind
from finder.settings import load_settings
from finder.web.app import create_app
from finder.web.kit.logs import configure_logging

settings = load_settings()
configure_logging(settings.log_format)
try:
    app = create_app(settings, follow=True)
except SchemaBehind as exc:
    raise SystemExit(f"ESOL Finder will not start: {exc}") from None
