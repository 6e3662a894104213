"""Short, stable links: /s/{code} stands for a page (a search, a signposting sheet) and its query.

The same page and query always get the same code: the code is read off a hash of them, so it
is the same on every install and for every person who asks. Codes use lower-case letters and
digits that cannot be mistaken for each other when read aloud or copied by hand (no 0/o, 1/l/i).
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from finder.models import ShortLink

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
MIN_LENGTH = 6
MAX_LENGTH = 16
# Pages a short link may open: nothing else, so a code can never send someone elsewhere.
PATHS = ("/search", "/signpost", "/map")


def canonical_query(params) -> str:
    """The query string in a stable order, so the same choices give the same code."""
    pairs = params if isinstance(params, list) else parse_qsl(str(params), keep_blank_values=False)
    return urlencode(sorted((str(k), str(v)) for k, v in pairs if str(v) != ""))


def _digest(path: str, query: str) -> str:
    return hashlib.sha256(f"{path}?{query}".encode()).hexdigest()


def _encode(digest: str, length: int) -> str:
    number = int(digest, 16)
    chars = []
    for _ in range(length):
        number, rest = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return "".join(chars)


def looks_like_code(text: str) -> bool:
    return MIN_LENGTH <= len(text) <= MAX_LENGTH and all(c in ALPHABET for c in text)


class ShortLinks:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def code_for(self, path: str, params, create: bool = True) -> str | None:
        """The code for this page and query, made (once) if it does not exist yet; with `create`
        false, only an existing one (None when there is none)."""
        if path not in PATHS:
            raise ValueError(path)
        query = canonical_query(params)
        digest = _digest(path, query)
        for _attempt in (1, 2):
            with self.sessions() as db:
                existing = db.scalar(select(ShortLink.code).where(ShortLink.digest == digest))
                if existing:
                    return existing
                if not create:
                    return None
                taken = set(db.scalars(select(ShortLink.code).where(
                    ShortLink.code.in_([_encode(digest, n) for n in range(MIN_LENGTH, MAX_LENGTH + 1)]))))
            code = next(_encode(digest, n) for n in range(MIN_LENGTH, MAX_LENGTH + 1) if _encode(digest, n) not in taken)
            try:
                with self.sessions.begin() as db:
                    db.add(ShortLink(code=code, digest=digest, path=path, query=query))
                return code
            except IntegrityError:  # someone made the same link at the same moment: read theirs
                continue
        raise RuntimeError("could not store a short link")

    def resolve(self, code: str) -> str | None:
        """The local URL (path?query) a code stands for, or None."""
        if not looks_like_code(code):
            return None
        with self.sessions() as db:
            link = db.scalar(select(ShortLink).where(ShortLink.code == code))
        if link is None or link.path not in PATHS:
            return None
        return link.path + (f"?{link.query}" if link.query else "")
