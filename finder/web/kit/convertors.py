"""Path convertors: `{course_id:id}` matches only a database id (1 to `MAX_ID`, digits only), so a
URL with a larger number is simply not found (404) instead of overflowing the database driver."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from finder.domain.numbers import NumberError, parse_id


class IdConvertor(Convertor):
    regex = "[0-9]{1,19}"

    def convert(self, value: str) -> int:
        try:
            return parse_id(value)
        except NumberError:
            # Starlette treats a failed conversion as no match only for the regex; a value in range of the
            # regex but too big still needs a 404 rather than a 500: 0 is never a row's id.
            return 0

    def to_string(self, value: int) -> str:
        return str(parse_id(value))


register_url_convertor("id", IdConvertor())
