"""The catalogue as a spreadsheet (CSV or XLSX) in exactly the import columns.

Export then import changes nothing: every value is written the way the importer reads it.
CSV is UTF-8 with a byte order mark so that Excel shows Arabic and other scripts correctly;
cells a spreadsheet would run as formulas are made harmless (an apostrophe in CSV, which
the importer removes again; plain text cells in XLSX).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from finder import i18n
from finder.domain import fields
from finder.imports import cells, columns
from finder.models import Course, CourseSession, Organisation

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Export:
    rows: list[dict[str, str]]
    # Courses with more sessions than the columns hold: only the first ones are exported.
    too_many_sessions: list[str] = field(default_factory=list)


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _join(values) -> str:
    return f"{columns.LIST_SEPARATOR} ".join(values or [])


def cell_value(spec: fields.Field, value) -> str:
    """A course field's value the way the importer reads it back."""
    if spec.kind == "bool":
        return _yes_no(value)
    if spec.kind == "date":
        return _iso(value)
    if spec.kind == "number":
        return "" if value is None else str(value)
    if spec.many:
        return _join(value)
    return value or ""


def course_row(course: Course) -> dict[str, str]:
    org = course.organisation
    row = dict.fromkeys(columns.NAMES, "")
    row.update({"id": course.key, "organisation_id": org.key, "organisation_kind": org.kind or "",
                "organisation_website": org.website or "", "organisation_email": org.email or "",
                "organisation_phone": org.phone or ""})
    row.update({spec.name: cell_value(spec, fields.course_value(course, spec)) for spec in fields.COURSE_FIELDS})
    main = next((s.venue for s in course.sessions if s.venue is not None), None)
    if main is not None:
        row.update({"venue_id": main.key, "venue_name": main.name, "venue_address": main.address or "",
                    "venue_postcode": main.postcode or "", "venue_step_free": _yes_no(main.step_free),
                    "venue_directions": main.directions or ""})
    for n, session in enumerate(course.sessions[:columns.MAX_SESSIONS], start=1):
        prefix = f"session_{n}_"
        row.update({prefix + "day": session.weekday, prefix + "start": session.start_time.strftime("%H:%M"),
                    prefix + "end": session.end_time.strftime("%H:%M"), prefix + "frequency": session.frequency,
                    prefix + "term_time_only": _yes_no(session.term_time_only),
                    prefix + "from": _iso(session.valid_from), prefix + "until": _iso(session.valid_to)})
        venue = session.venue
        if venue is not None and venue is not main:
            row.update({prefix + "venue_id": venue.key, prefix + "venue_name": venue.name,
                        prefix + "venue_address": venue.address or "", prefix + "venue_postcode": venue.postcode or ""})
    for translation in course.translations:
        suffix = translation.locale.lower()
        if f"title_{suffix}" in row:
            row[f"title_{suffix}"] = translation.title or ""
            row[f"description_{suffix}"] = translation.description or ""
    return row


def export_catalogue(db, published_only: bool = False) -> Export:
    query = (select(Course).join(Course.organisation)
             .options(selectinload(Course.organisation),
                      selectinload(Course.sessions).selectinload(CourseSession.venue),
                      selectinload(Course.translations))
             .order_by(Organisation.name, Course.key))
    if published_only:
        query = query.where(Course.status == "published")
    export = Export(rows=[])
    for course in db.scalars(query):
        export.rows.append(course_row(course))
        if len(course.sessions) > columns.MAX_SESSIONS:
            export.too_many_sessions.append(course.key)
    return export


def protect_cell(text: str) -> str:
    """Stop a spreadsheet running a cell as a formula ("=HYPERLINK(…)" typed by a stranger): `cells.protect`."""
    return cells.protect(text)


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns.NAMES)
    for row in rows:
        writer.writerow([protect_cell(row.get(name, "")) for name in columns.NAMES])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text_cell(sheet, value: str, bold: bool = False):
    # openpyxl is imported when a spreadsheet is written (about 30 MB a serving process need not hold).
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # always text, never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def to_xlsx(rows: list[dict[str, str]], with_notes: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Courses")
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(sheet, name, bold=True) for name in columns.NAMES])
    for row in rows:
        sheet.append([_text_cell(sheet, row.get(name, "")) for name in columns.NAMES])
    if with_notes:
        notes = workbook.create_sheet("Columns")
        notes.append([_text_cell(notes, str(heading), bold=True) for heading in (
            i18n.gettext("Column"), i18n.gettext("Required"), i18n.gettext("What it means"),
            i18n.gettext("Values"), i18n.gettext("Example"))])
        for column in columns.COLUMNS:
            notes.append([_text_cell(notes, text) for text in (
                column.name, i18n.gettext("yes") if column.required else "", str(column.meaning),
                str(column.values), column.example)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(rows: list[dict[str, str]], fmt: str, with_notes: bool = False) -> bytes:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xlsx":
        return to_xlsx(rows, with_notes=with_notes)
    raise ValueError(fmt)


def template(fmt: str) -> bytes:
    """The import template: the columns, one example row, and (XLSX) a sheet explaining each column."""
    return render([columns.example_row()], fmt, with_notes=True)
