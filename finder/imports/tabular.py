"""Reading a CSV or XLSX file into rows of {column: text}, whatever program wrote it.

- CSV in UTF-8 with or without a byte order mark, Excel's older Windows-1252 exports and
  UTF-16 "Unicode text"; comma, semicolon or tab separated.
- XLSX (the first sheet, or one called "Courses") through a streaming reader of its own,
  bounded like the rest: see "Reading XLSX safely" below.
- Headings match whatever their case and spacing ("Session 1 Day" is `session_1_day`);
  unknown columns are ignored and reported in a note; blank rows are skipped.
- Row numbers are the ones the person sees in their spreadsheet: the heading is row 1.
- A file larger than the limit, or with too many rows, is refused with a clear message; so is
  a sheet with too many rows counting blank ones, a row with too many cells and a cell with too
  many characters (CSV and XLSX alike).

Reading XLSX safely. An XLSX file is a zip of XML parts, and a small upload can unpack to
gigabytes, hold one cell of hundreds of megabytes, claim millions of rows or carry an XML
entity bomb. So, before any XML is parsed, the zip's directory is checked: no encrypted or
oddly compressed part, no part (or total) that unpacks to more than `Limits.unpacked_bytes`
or more than `MAX_RATIO` times its packed size. Then each part is streamed in small chunks
through defusedxml's expat parser, which refuses any DTD (so no entity and no external
reference can be declared), and every cap is checked while reading, so reading stops as soon
as one is passed: the sheet's row numbers and row count, cells per row, characters per cell,
nesting depth and the size of any single tag. Cell values are read the way openpyxl reads them
(shared and inline strings, numbers, booleans, dates and times by their number format), so an
export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from finder import i18n
from finder.i18n import lazy_gettext as _l
from finder.imports import cells, columns

FORMATS = ("csv", "xlsx")
MAX_COLUMNS = 400
# A course description may be 5,000 characters; no cell of a real file needs more than this.
MAX_CELL_CHARS = 10_000
# XLSX containers: parts in the zip; how much more a part may unpack to than it is packed
# (spreadsheets pack 5 to 20 times; a zip bomb about 1,000); parts smaller than RATIO_FROM may
# pack as tightly as they like; the unpacked total by default is UNPACKED_PER_BYTE × max_bytes.
MAX_PARTS = 1000
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
UNPACKED_PER_BYTE = 20
# XML: how deeply elements nest (a sheet needs about 8), and how many bytes may go by without
# one element or piece of text (a giant tag or comment, which expat would hold whole in memory).
MAX_XML_DEPTH = 64
MAX_TOKEN_BYTES = 1024 * 1024
# Styles, sheets and relationships a workbook may list (Excel itself allows 64,000 cell formats).
MAX_XML_ITEMS = 100_000
_CHUNK = 64 * 1024


class TableError(Exception):
    """The file as a whole cannot be read: the message says why and what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000
    max_cell_chars: int = MAX_CELL_CHARS
    max_columns: int = MAX_COLUMNS
    max_unpacked_bytes: int | None = None  # an XLSX's parts unpacked, in all: UNPACKED_PER_BYTE × max_bytes
    max_ratio: float = MAX_RATIO

    @property
    def unpacked_bytes(self) -> int:
        if self.max_unpacked_bytes is not None:
            return self.max_unpacked_bytes
        return UNPACKED_PER_BYTE * self.max_bytes

    @property
    def sheet_rows(self) -> int:
        """Rows a sheet may have in all, the heading and blank rows included."""
        return max(2 * self.max_rows, self.max_rows + 1000)


@dataclass
class Table:
    headings: list[str]                   # the known columns present, in file order
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, {column: text})
    notes: list = field(default_factory=list)
    encoding: str = ""


def _not_opened() -> TableError:
    return TableError(_l("This Excel file could not be opened. Save it again as .xlsx, then upload it again."))


def _unpacks_too_large() -> TableError:
    return TableError(_l("This Excel file is too large once unpacked. Save it again from your spreadsheet "
                         "program, or split it into smaller files, then upload it again."))


def _too_many_columns(limits: Limits) -> TableError:
    return TableError(_l("The file has more than %(limit)s columns. Use the columns in the template.",
                         limit=limits.max_columns))


def _too_many_sheet_rows(limits: Limits) -> TableError:
    return TableError(_l("The sheet has more than %(limit)s rows, counting empty ones. Delete the empty rows "
                         "below your courses, or split the file into smaller files.",
                         limit=i18n.format_number(limits.sheet_rows, 0)))


def _cell_too_long(limits: Limits, row: int | None = None, column: int | None = None) -> TableError:
    limit = i18n.format_number(limits.max_cell_chars, 0)
    if row is None or column is None:  # found before the cell itself: CSV's own limit, or in shared strings
        return TableError(_l("A cell in this file has more than %(limit)s characters. Make it shorter, "
                             "then upload the file again.", limit=limit))
    return TableError(_l("The cell in row %(row)s, column %(column)s has more than %(limit)s characters. "
                         "Make it shorter, then upload the file again.",
                         row=row, column=_column_letter(column), limit=limit))


def _column_letter(column: int) -> str:
    """1 is A, 27 is AA: the column as a spreadsheet names it."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def file_format(filename: str, content: bytes, limits: Limits | None = None) -> str:
    """"csv" or "xlsx", from the file's name and its first bytes; TableError for anything else.

    An XLSX's zip directory is checked here too (see "Reading XLSX safely"); without `limits`,
    all but the unpacked total, which depends on them.
    """
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    is_zip = content[:4] == b"PK\x03\x04"
    if suffix == "xlsx" or (suffix not in FORMATS and is_zip):
        if not is_zip:
            raise TableError(_l("This file is called .xlsx but is not an Excel workbook. "
                                "Save it again from your spreadsheet program as .xlsx or CSV."))
        _open_zip(content, limits).close()
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
    fmt = file_format(filename, content, limits)
    if fmt == "xlsx":
        records, encoding = _xlsx_records(content, limits), "xlsx"
    else:
        text, encoding = _decode(content)
        records = _csv_records(text, limits)
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


def _csv_records(text: str, limits: Limits):
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own limit, past ours
            raise _cell_too_long(limits) from None
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


# --- XLSX -------------------------------------------------------------------------------------

class _Stop(Exception):
    """The part has been read as far as needed (the end of the sheet's rows)."""


_TOO_LONG = object()  # a shared string past the cell limit: refused where a cell uses it


def _directory_too_large(content: bytes) -> bool:
    """Whether the zip's end record declares more parts, or a larger directory, than MAX_PARTS allow:
    read before zipfile builds an object for every part (a 5 MB zip can list 100,000)."""
    end = len(content) - 22 if content[-22:-18] == b"PK\x05\x06" else content.rfind(b"PK\x05\x06", -65_557)
    if end < 0 or end + 22 > len(content) or content[end - 20:end - 16] == b"PK\x06\x07":
        return False  # no end record (zipfile will say so), or a ZIP64 one: the checks below still hold
    parts = int.from_bytes(content[end + 10:end + 12], "little")
    size = int.from_bytes(content[end + 12:end + 16], "little")
    return parts > MAX_PARTS or size > MAX_PARTS * 512


def _open_zip(content: bytes, limits: Limits | None) -> zipfile.ZipFile:
    """The XLSX's zip, once its directory has passed the checks; without limits, all but the total."""
    if _directory_too_large(content):
        raise _not_opened()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, IndexError, KeyError):
        raise _not_opened() from None
    try:
        if len(infos) > MAX_PARTS or len({info.filename for info in infos}) != len(infos):
            raise _not_opened()
        total = 0
        ratio = limits.max_ratio if limits is not None else MAX_RATIO
        for info in infos:
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _not_opened()  # encrypted, or packed in a way no spreadsheet program uses
            total += info.file_size
            if info.file_size > RATIO_FROM and info.file_size > ratio * max(info.compress_size, 1):
                raise _unpacks_too_large()
        if total > RATIO_FROM and total > ratio * len(content):
            raise _unpacks_too_large()
        if limits is not None and total > limits.unpacked_bytes:
            raise _unpacks_too_large()
    except TableError:
        archive.close()
        raise
    return archive


def _stream(archive: zipfile.ZipFile, name: str, reader):
    """Feed one part to defusedxml's parser in chunks, calling `reader`'s start, end and data.

    A generator: it yields after each chunk, so a reader's output can be taken as it comes.
    A DTD (so any entity) is refused; so is nesting deeper than MAX_XML_DEPTH (checked by the
    readers) and MAX_TOKEN_BYTES with no element or text, which expat would otherwise buffer.
    """
    parser = DefusedXMLParser(target=_NoTree(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser  # defusedxml has set its DTD and entity handlers on it; these add the readers'
    expat.StartElementHandler = reader.start
    expat.EndElementHandler = reader.end
    expat.CharacterDataHandler = reader.data
    try:
        with archive.open(name) as part:
            quiet = 0
            while chunk := part.read(_CHUNK):
                before = reader.events
                parser.feed(chunk)
                quiet = quiet + len(chunk) if reader.events == before else 0
                if quiet > MAX_TOKEN_BYTES:
                    raise _not_opened()
                yield
            parser.close()
    except _Stop:
        return
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            KeyError, RuntimeError, NotImplementedError):
        raise _not_opened() from None


def _read(archive: zipfile.ZipFile, name: str, reader):
    for _ in _stream(archive, name, reader):
        pass
    return reader


class _NoTree:
    def close(self):
        return None


class _Reader:
    """What every part's reader shares: local names (namespaces ignored) and the depth cap."""

    def __init__(self):
        self.events = 0
        self.depth = 0
        self._names: dict[str, str] = {}

    def local(self, name: str) -> str:
        local = self._names.get(name)
        if local is None:
            if len(self._names) > MAX_XML_ITEMS:
                raise _not_opened()
            local = self._names[name] = name.rpartition("}")[2]
        return local

    def enter(self):
        self.events += 1
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _not_opened()

    def start(self, name, attrs):
        self.enter()

    def end(self, name):
        self.depth -= 1

    def data(self, text):
        self.events += 1


class _Elements(_Reader):
    """The attributes of the elements named `wanted` (and their parent's name), at most MAX_XML_ITEMS."""

    def __init__(self, wanted: set[str]):
        super().__init__()
        self.wanted = wanted
        self.found: list[tuple[str, str, dict[str, str]]] = []
        self.path: list[str] = []

    def start(self, name, attrs):
        self.enter()
        local = self.local(name)
        if local in self.wanted:
            if len(self.found) >= MAX_XML_ITEMS:
                raise _not_opened()
            values = {self.local(attrs[i]): attrs[i + 1] for i in range(0, len(attrs), 2)}
            self.found.append((self.path[-1] if self.path else "", local, values))
        self.path.append(local)

    def end(self, name):
        self.depth -= 1
        self.path.pop()

    def each(self, local: str, parent: str | None = None):
        return [values for up, name, values in self.found if name == local and (parent is None or up == parent)]


class _SharedStrings(_Reader):
    """sharedStrings.xml: the text of each <si>, its phonetic runs left out, as openpyxl reads it.

    Reading stops at the first string past the cell limit, which ends the list as _TOO_LONG:
    a cell that uses it is refused by its row and column; one that uses a string after it, by
    the limit alone (spreadsheet programs number strings in the order cells first use them).
    """

    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits
        self.strings: list = []
        self.parts: list[str] | None = None
        self.chars = 0
        self.capture = False
        self.phonetic = 0
        self.complete = True

    def start(self, name, attrs):
        self.enter()
        local = self.local(name)
        if local == "si":
            if len(self.strings) >= self.limits.sheet_rows * 100:
                raise _unpacks_too_large()
            self.parts, self.chars, self.phonetic = [], 0, 0
        elif self.parts is not None:
            if local == "t":
                self.capture = not self.phonetic
            elif local == "rPh":
                self.phonetic += 1

    def end(self, name):
        self.depth -= 1
        local = self.local(name)
        if local == "t":
            self.capture = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.parts is not None:
            self.strings.append("".join(self.parts).replace("x005F_", ""))
            self.parts = None

    def data(self, text):
        self.events += 1
        if self.capture and self.parts is not None:
            self.chars += len(text)
            if self.chars > self.limits.max_cell_chars:
                self.strings.append(_TOO_LONG)
                self.complete = False
                raise _Stop
            self.parts.append(text)


class _Sheet(_Reader):
    """A worksheet's rows, as lists of cell text, blank rows included so the numbering holds.

    Rows are collected in `rows` while a chunk is parsed, and taken by the caller after it.
    """

    def __init__(self, limits: Limits, shared: _SharedStrings | None, dates: set[int], durations: set[int], epoch):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        super().__init__()
        self.limits, self.dates, self.durations, self.epoch = limits, dates, durations, epoch
        self.shared = shared.strings if shared is not None else []
        self.shared_cut = shared is not None and not shared.complete
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.rows: list = []
        self.in_data = False
        self.row: list[str] | None = None
        self.number = 0      # the last row's number
        self.cells = 0       # cells in this row so far
        self.next_column = 1
        self.column = 0      # the cell being read (0: none)
        self.kind = "n"
        self.style = ""
        self.parts: list[str] = []
        self.chars = 0
        self.capture = False
        self.inline = False
        self.phonetic = False
        self._columns: dict[str, int] = {}

    def start(self, name, attrs):
        self.events += 1
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _not_opened()
        local = self._names.get(name) or self.local(name)
        if self.column:
            if local == "v":
                self.capture = self.kind != "inlineStr"
            elif local == "t":
                self.capture = self.inline and not self.phonetic
            elif local == "is":
                self.inline = self.kind == "inlineStr"
            elif local == "rPh":
                self.phonetic = True
        elif local == "c":
            if self.row is not None:
                self.start_cell(attrs)
        elif local == "row":
            if self.in_data:
                self.start_row(attrs)
        elif local == "sheetData":
            self.in_data = True

    def start_row(self, attrs):
        number = self.number + 1
        for i in range(0, len(attrs), 2):
            if attrs[i] == "r":
                try:
                    number = max(number, int(attrs[i + 1]))
                except ValueError:
                    raise _not_opened() from None
        if number > self.limits.sheet_rows:
            raise _too_many_sheet_rows(self.limits)
        self.rows.extend([()] * (number - self.number - 1))  # the rows the sheet leaves out are blank
        self.number = number
        self.row, self.cells, self.next_column = [], 0, 1

    def start_cell(self, attrs):
        column, kind, style = self.next_column, "n", ""
        for i in range(0, len(attrs), 2):
            key = attrs[i]
            if key == "r":
                column = self.column_of(attrs[i + 1]) or column
            elif key == "t":
                kind = attrs[i + 1]
            elif key == "s":
                style = attrs[i + 1]
        self.cells += 1
        if column > self.limits.max_columns or self.cells > self.limits.max_columns:
            raise _too_many_columns(self.limits)
        self.column, self.kind, self.style, self.next_column = column, kind, style, column + 1
        self.parts, self.chars, self.capture, self.inline, self.phonetic = [], 0, False, False, False

    def column_of(self, ref: str) -> int:
        """The column of a reference such as "AB12" (28), or 0 if it is not one."""
        letters = ref.rstrip("0123456789")
        column = self._columns.get(letters)
        if column is None:
            column = 0
            if len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper():
                for letter in letters:
                    column = column * 26 + ord(letter) - 64
            elif letters.isascii() and letters.isalpha() and letters.isupper():
                column = self.limits.max_columns + 1  # four letters or more: far past any limit
            if len(self._columns) < 20_000:
                self._columns[letters] = column
        return column

    def end(self, name):
        self.depth -= 1
        local = self._names.get(name) or self.local(name)
        if self.column:
            if local == "c":
                self.end_cell()
            elif local == "v" or local == "t":
                self.capture = False
            elif local == "is":
                self.inline = False
            elif local == "rPh":
                self.phonetic = False
        elif local == "row":
            if self.row is not None:
                self.rows.append(self.row)
                self.row = None
        elif local == "sheetData":
            raise _Stop

    def data(self, text):
        self.events += 1
        if self.capture:
            self.chars += len(text)
            if self.chars > self.limits.max_cell_chars:
                raise _cell_too_long(self.limits, self.number, self.column)
            self.parts.append(text)

    def end_cell(self):
        row, column = self.row, self.column
        value = self.value("".join(self.parts))
        if len(row) < column:
            row.extend([""] * (column - len(row)))
        row[column - 1] = value
        self.column = 0

    def value(self, text: str) -> str:
        """A cell's text as openpyxl would give it in read-only, values-only mode, then as _cell_text shows it."""
        kind = self.kind
        if kind == "inlineStr":
            return text
        if not text:
            return ""
        if kind == "s":
            try:
                value = self.shared[int(text)]
            except IndexError:
                if self.shared_cut:  # after the string that stopped the reading
                    raise _cell_too_long(self.limits) from None
                raise _not_opened() from None
            except ValueError:
                raise _not_opened() from None
            if value is _TOO_LONG:
                raise _cell_too_long(self.limits, self.number, self.column)
            return value
        if kind == "n":
            return self.number_text(text)
        if kind == "b":
            try:
                return "yes" if int(text) else "no"
            except ValueError:
                return text
        if kind == "d":
            try:
                return _cell_text(self.from_iso(text))
            except (ValueError, TypeError, OverflowError):
                return text
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def number_text(self, text: str) -> str:
        try:
            number = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        except ValueError:
            return text
        if self.style and self.dates:
            try:
                style = int(self.style)
            except ValueError:
                style = 0
            if style in self.dates:
                try:
                    return _cell_text(self.from_excel(number, self.epoch, timedelta=style in self.durations))
                except (OverflowError, ValueError):
                    return "#VALUE!"
        return _cell_text(number)


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def _relationships(archive: zipfile.ZipFile, names: set[str], part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: {id: (type, path in the zip)}."""
    folder, filename = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", filename + ".rels")
    if rels not in names:
        return {}
    found = {}
    for rel in _read(archive, rels, _Elements({"Relationship"})).each("Relationship"):
        if rel.get("TargetMode") != "External" and "Id" in rel and "Target" in rel:
            found[rel["Id"]] = (rel.get("Type", ""), _part_path(folder, rel["Target"]))
    return found


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> tuple[set[int], set[int]]:
    """The cell styles (by index) whose number format is a date or time, and those of them that are durations."""
    if path is None:
        return set(), set()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    styles = _read(archive, path, _Elements({"numFmt", "xf"}))
    custom = {fmt.get("numFmtId", ""): fmt.get("formatCode", "") for fmt in styles.each("numFmt", parent="numFmts")}
    kinds: dict[str, tuple[bool, bool]] = {}  # number format id: (a date or time, a duration)
    dates, durations = set(), set()
    for index, xf in enumerate(styles.each("xf", parent="cellXfs")):
        number_format = xf.get("numFmtId", "0")
        if number_format not in kinds:
            if number_format in custom:
                code = custom[number_format][:255]  # Excel's own limit for a format
            else:
                try:
                    code = BUILTIN_FORMATS.get(int(number_format))
                except ValueError:
                    code = None
            kinds[number_format] = (bool(code) and is_date_format(code), bool(code) and is_timedelta_format(code))
        is_date, is_duration = kinds[number_format]
        if is_date:
            dates.add(index)
        if is_duration:
            durations.add(index)
    return dates, durations


def _xlsx_records(content: bytes, limits: Limits):
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    archive = _open_zip(content, limits)
    try:
        names = set(archive.namelist())
        package = _relationships(archive, names, "")
        book = next((path for kind, path in package.values() if kind.endswith("/officeDocument")), "xl/workbook.xml")
        if book not in names:
            raise _not_opened()
        parts = _relationships(archive, names, book)
        workbook = _read(archive, book, _Elements({"sheet", "workbookPr"}))
        sheets = []
        for sheet in workbook.each("sheet"):
            kind, path = parts.get(sheet.get("id", ""), ("", ""))
            if kind.endswith("/worksheet") and path in names:
                sheets.append((sheet.get("name", ""), path))
        if not sheets:
            raise _not_opened()
        sheet_path = next((path for name, path in sheets if name == "Courses"), sheets[0][1])
        flags = workbook.each("workbookPr")
        epoch = MAC_EPOCH if flags and flags[0].get("date1904", "").lower() in ("1", "true") else WINDOWS_EPOCH

        def part(ending: str) -> str | None:
            return next((path for kind, path in parts.values() if kind.endswith(ending) and path in names), None)

        strings_path = part("/sharedStrings")
        shared = _read(archive, strings_path, _SharedStrings(limits)) if strings_path else None
        dates, durations = _date_styles(archive, part("/styles"))
        sheet = _Sheet(limits, shared, dates, durations, epoch)
        for _ in _stream(archive, sheet_path, sheet):
            yield from sheet.rows
            sheet.rows = []
        yield from sheet.rows
    finally:
        archive.close()


# --- Rows -------------------------------------------------------------------------------------

def _unprotect(text: str) -> str:
    """Undo the apostrophes an export puts before formula-like text (see `cells`)."""
    return cells.unprotect(text)


def _bounded(records, limits: Limits):
    """(row number, cells) for each record, refusing a sheet with too many rows (blank ones too),
    a row with too many cells or a cell with too many characters, as soon as one is read."""
    for number, raw in enumerate(records, start=1):  # spreadsheet row numbers: the first row is 1
        if number > limits.sheet_rows:
            raise _too_many_sheet_rows(limits)
        if len(raw) > limits.max_columns:
            raise _too_many_columns(limits)
        if raw and max(map(len, raw)) > limits.max_cell_chars:
            column = next(i for i, cell in enumerate(raw, start=1) if len(cell) > limits.max_cell_chars)
            raise _cell_too_long(limits, number, column)
        yield number, raw


def _cleaner():
    """strip and _unprotect, done once for each long text however many cells share it (XLSX shared
    strings: one long string in every cell would otherwise be copied for each)."""
    done: dict[str, str] = {}

    def clean(cell) -> str:
        text = str(cell)
        if len(text) < 64:
            return _unprotect(text.strip())
        value = done.get(text)
        if value is None:
            value = done[text] = _unprotect(text.strip())
        return value
    return clean


def _tabulate(records, limits: Limits, encoding: str) -> Table:
    records = _bounded(records, limits)
    header = None
    for _number, raw in records:
        if any(str(cell).strip() for cell in raw):
            header = raw
            break
    if header is None:
        raise TableError(_l("The file has no rows."))
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

    clean = _cleaner()
    rows = []
    for number, raw in records:
        values = {name: clean(raw[index]) if index < len(raw) else "" for name, index in positions.items()}
        if not any(values.values()):
            continue
        rows.append((number, values))
        if len(rows) > limits.max_rows:
            raise TableError(_l("The file has more than %(limit)s rows of courses. Split it into smaller files.",
                                limit=i18n.format_number(limits.max_rows, 0)))
    return Table(headings=list(positions), rows=rows, notes=notes, encoding=encoding)
