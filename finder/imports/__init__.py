"""Bulk import of courses from CSV and XLSX files: read, check row by row, dry run, commit all or nothing."""
