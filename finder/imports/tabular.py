"""Reading a CSV or XLSX file into rows of {column: text}, whatever program wrote it.

- CSV in UTF-8 with or without a byte order mark, Excel's older Windows-1252 exports and
  UTF-16 "Unicode text"; comma, semicolon or tab separated.
- XLSX through openpyxl in read-only mode (the first sheet, or one called "Courses").
- Headings match whatever their case and spacing ("Session 1 Day" is `session_1_day`);
  unknown columns are ignored and reported in a note; blank rows are skipped.
- Row numbers are the ones the person sees in their spreadsheet: the heading is row 1.
- A file larger than the limit, or with too many rows, is refused with a clear message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from finder import i18n
from finder.i18n import lazy_gettext as _l
from finder.imports import columns

FORMATS = ("csv", "xlsx")
MAX_COLUMNS = 400
# Written before a cell that a spreadsheet would run as a formula (see exports.protect_cell).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TableError(Exception):
    """The file as a whole cannot be read: the message says why and what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000


@dataclass
class Table:
    headings: list[str]                   # the known columns present, in file order
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, {column: text})
    notes: list = field(default_factory=list)
    encoding: str = ""


def file_format(filename: str, content: bytes) -> str:
    """"csv" or "xlsx", from the file's name and its first bytes; TableError for anything else."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    is_zip = content[:4] == b"PK\x03\x04"
    if suffix == "xlsx" or (suffix not in FORMATS and is_zip):
        if not is_zip:
            raise TableError(_l("This file is called .xlsx but is not an Excel workbook. "
                                "Save it again from your spreadsheet program as .xlsx or CSV."))
        return "xlsx"
    if suffix in ("xls", "ods", "numbers"):
        raise TableError(_l("This kind of spreadsheet cannot be read. Save it as an Excel workbook (.xlsx) "
                            "or as CSV, then upload it again."))
    if suffix == "csv" or suffix == "txt" or not suffix:
        if is_zip or b"\x00" in content[:1024] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise TableError(_l("This is not a CSV file. Upload a CSV (.csv) or Excel (.xlsx) file."))
        return "csv"
    raise TableError(_l("Upload a CSV (.csv) or Excel (.xlsx) file."))


def read_table(content: bytes, filename: str, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    if len(content) > limits.max_bytes:
        raise TableError(_l("The file is too large: %(size)s MB. Files can be at most %(limit)s MB; "
                            "split it into smaller files.",
                            size=i18n.format_number(len(content) / 1024 / 1024, 1),
                            limit=i18n.format_number(limits.max_bytes / 1024 / 1024, 1)))
    if not content.strip():
        raise TableError(_l("The file is empty."))
    fmt = file_format(filename, content)
    if fmt == "xlsx":
        records, encoding = _xlsx_records(content), "xlsx"
    else:
        text, encoding = _decode(content)
        records = _csv_records(text)
    return _tabulate(records, limits, encoding)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise TableError(_l("The file's text could not be read. Save it from your spreadsheet program as "
                            "“CSV UTF-8”, then upload it again.")) from None


def _csv_records(text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise TableError(_l("The CSV file is damaged: %(problem)s.", problem=str(exc))) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableError(_l("This Excel file could not be opened. Save it again as .xlsx, then upload it again.")) \
            from None
    try:
        sheet = workbook["Courses"] if "Courses" in workbook.sheetnames else workbook.worksheets[0]
        expected = 1
        for row in sheet.iter_rows():
            cells = [cell for cell in row if getattr(cell, "row", None)]
            number = cells[0].row if cells else expected
            while expected < number:  # rows openpyxl skips are blank rows: keep the numbering
                yield []
                expected += 1
            yield [_cell_text(cell.value) for cell in row]
            expected = number + 1
    finally:
        workbook.close()


def _unprotect(text: str) -> str:
    """Undo the apostrophe an export puts before a formula-like cell ("'+44 151…")."""
    if text.startswith("'") and text[1:2] and text[1] in _FORMULA_START:
        return text[1:]
    return text


def _tabulate(records, limits: Limits, encoding: str) -> Table:
    records = enumerate(records, start=1)  # spreadsheet row numbers: the first row is 1
    header = None
    for _number, raw in records:
        if any(str(cell).strip() for cell in raw):
            header = raw
            break
    if header is None:
        raise TableError(_l("The file has no rows."))
    if len(header) > MAX_COLUMNS:
        raise TableError(_l("The file has more than %(limit)s columns. Use the columns in the template.",
                            limit=MAX_COLUMNS))
    notes = []
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for index, heading in enumerate(header):
        name = columns.normalise_heading(heading)
        if not name:
            continue
        if name not in columns.BY_NAME:
            unknown.append(str(heading).strip())
        elif name in positions:
            repeated.append(name)
        else:
            positions[name] = index
    missing = [name for name in columns.REQUIRED if name not in positions]
    if missing:
        raise TableError(_l("The first row must name the columns, and these are missing: %(columns)s. "
                            "Download the template to see the columns.", columns=", ".join(missing)))
    if unknown:
        notes.append(_l("These columns are not used and were ignored: %(columns)s.", columns=", ".join(unknown)))
    if repeated:
        notes.append(_l("These columns appear more than once; the first of each was used: %(columns)s.",
                        columns=", ".join(dict.fromkeys(repeated))))
    if encoding == "cp1252":
        notes.append(_l("The file was read as Windows-1252 text (an older Excel CSV format). Check that accented "
                        "letters look right; saving as “CSV UTF-8” avoids this."))

    rows = []
    for number, raw in records:
        values = {name: _unprotect(str(raw[index]).strip()) if index < len(raw) else ""
                  for name, index in positions.items()}
        if not any(values.values()):
            continue
        rows.append((number, values))
        if len(rows) > limits.max_rows:
            raise TableError(_l("The file has more than %(limit)s rows of courses. Split it into smaller files.",
                                limit=i18n.format_number(limits.max_rows, 0)))
    return Table(headings=list(positions), rows=rows, notes=notes, encoding=encoding)
