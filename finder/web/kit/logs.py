"""Structured logs: one JSON object a line, each carrying the request id of the request it belongs to.

No personal data by default: a request's line names its method, its path (with anything that looks
like a token or code taken out) and its status and time, never the client's address or the query
string (search words, postcodes, coordinates). ESOL_FINDER_LOG_PERSONAL=1 adds both, for an operator
chasing a problem. ESOL_FINDER_LOG_FORMAT=text gives plain lines instead of JSON.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# A path segment this long, or with these characters, is a token (check links, reset links): not logged.
_TOKEN_SEGMENT = re.compile(r"^[A-Za-z0-9_\-]{20,}$")


def safe_path(path: str) -> str:
    """The path as logged: segments that look like tokens become ":token"; at most 200 characters."""
    return "/".join(":token" if _TOKEN_SEGMENT.match(part) else part for part in path.split("/"))[:200]


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, message, request id and any `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if rid:
            entry["request_id"] = rid
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            text += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        rid = request_id.get()
        return f"{text} request_id={rid}" if rid else text


def configure_logging(log_format: str = "json", level: int = logging.INFO) -> None:
    """Send every log record (uvicorn's included) to stderr in the chosen format."""
    formatter: logging.Formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
