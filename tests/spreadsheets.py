"""Spreadsheet rows as dicts, written as real CSV or Excel bytes: for the import tests and the
journeys that upload a file."""

from __future__ import annotations

import csv
import io

# Real Liverpool postcodes: Dingle Children's Centre area and Central Library.
GOOD_POSTCODE = "L8 6SQ"
OTHER_POSTCODE = "L3 8EW"
# Shaped like a postcode, but no such postcode exists (the test checks it is unknown).
UNKNOWN_POSTCODE = "L1 9ZZ"

HEADINGS = ["id", "title", "organisation", "organisation_kind", "description", "kind", "levels", "creche",
            "venue_name", "venue_address", "venue_postcode",
            "session_1_day", "session_1_start", "session_1_end", "session_2_day", "session_2_start", "session_2_end"]


def row(key: str, title: str, **overrides) -> dict:
    data = {"id": key, "title": title, "organisation": "Toxteth Women's Centre", "organisation_kind": "community",
            "description": "A friendly class.", "kind": "informal", "levels": "entry-1; entry-2", "creche": "on-site",
            "venue_name": "Toxteth Women's Centre", "venue_address": "Park Road, Liverpool",
            "venue_postcode": GOOD_POSTCODE, "session_1_day": "tue", "session_1_start": "10:00",
            "session_1_end": "12:00"}
    data.update(overrides)
    return data


def csv_bytes(rows: list[dict], headings=None, encoding="utf-8", bom=False, blank_rows=(), delimiter=",") -> bytes:
    headings = headings or list(dict.fromkeys(HEADINGS + [k for r in rows for k in r]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    for index, item in enumerate(rows):
        if index in blank_rows:
            writer.writerow([""] * len(headings))
        writer.writerow([item.get(name, "") for name in headings])
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode(encoding)


def xlsx_bytes(rows: list[dict], headings=None) -> bytes:
    from openpyxl import Workbook

    headings = headings or list(dict.fromkeys(HEADINGS + [k for r in rows for k in r]))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for item in rows:
        sheet.append([item.get(name, "") for name in headings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
