"""`esol-finder i18n`: the translation workflow, built on Babel's catalogue API.

    extract   read babel.cfg, write locales/messages.pot (the English source strings)
    update    merge messages.pot into every language's messages.po (new languages start empty)
    compile   write messages.mo beside each messages.po (optional: the app compiles .po in memory)
    check     fail when messages.pot is out of date, a message is untranslated, a translation
              breaks a placeholder or an HTML tag, or Plural-Forms disagrees with CLDR
    status    each language's review status and how much of it is translated
    all       extract + update + compile
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from finder import PROJECT_DIR, i18n

ROOT = PROJECT_DIR
MAPPING_FILE = ROOT / "babel.cfg"
LOCALES_DIR = i18n.LOCALES_DIR
TEMPLATE_FILE = LOCALES_DIR / "messages.pot"
PROJECT = "ESOL Finder"
COPYRIGHT = "ESOL Finder contributors"

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,
    "lazy_pgettext": ((1, "c"), 2),
    "lazy_ngettext": (1, 2),
}
COMMENT_TAGS = ("Translators:",)

# gettext plural rules that agree with CLDR (babel.core.Locale.plural_form) for whole numbers.
# Babel's own table (babel.messages.plurals) disagrees for fa, ti, am, fr and es.
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "fa": "nplurals=2; plural=(n > 1);",
    "ckb": "nplurals=2; plural=(n != 1);",
    "ps": "nplurals=2; plural=(n != 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
    "am": "nplurals=2; plural=(n > 1);",
    "so": "nplurals=2; plural=(n != 1);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "sq": "nplurals=2; plural=(n != 1);",
    "vi": "nplurals=1; plural=0;",
    "zh_Hans": "nplurals=1; plural=0;",
    "fr": "nplurals=3; plural=(n==0 || n==1 ? 0 : n!=0 && n%1000000==0 ? 1 : 2);",
    "es": "nplurals=3; plural=(n==1 ? 0 : n!=0 && n%1000000==0 ? 1 : 2);",
}

REVIEW_STATUSES = ("machine-drafted", "community-reviewed")
REVIEW_LINE = re.compile(r"^Review-Status:\s*(\S+)", re.MULTILINE)
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# Whole numbers on which a plural rule is compared with CLDR's.
PLURAL_SAMPLES = [*range(0, 1200), 10_000, 100_000, 1_000_000, 2_000_000, 1_000_001, 10_000_000]


def po_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"


def translated_locales() -> list[str]:
    return [code for code in i18n.SHIPPED_LOCALES if code != i18n.DEFAULT_LOCALE]


# --- extract ---------------------------------------------------------------------------

SOURCE_ROOTS = {"finder", "templates"}


def _source_directory(path: str) -> bool:
    """Walk only the source folders (Babel's default would skip `templates/_macros`)."""
    parts = Path(path).resolve().relative_to(ROOT).parts
    return not parts or (parts[0] in SOURCE_ROOTS
                         and not any(p.startswith(".") or p == "__pycache__" for p in parts))


def extract_catalog() -> Catalog:
    """Every English source string in finder/ and templates/, as a template catalogue."""
    with MAPPING_FILE.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, filename=str(MAPPING_FILE))
    catalog = Catalog(project=PROJECT, copyright_holder=COPYRIGHT, msgid_bugs_address="",
                      charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
        strip_comment_tags=True, directory_filter=_source_directory,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _signature(catalog: Catalog) -> list[tuple]:
    """What translators see of a template, ignoring dates and line numbers."""
    return sorted(
        (str(m.id), m.context or "", tuple(sorted({f for f, _ in m.locations})), tuple(m.auto_comments),
         tuple(sorted(m.flags)))
        for m in catalog if m.id
    )


def render_po(catalog: Catalog, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, sort_output=True, ignore_obsolete=True, **kwargs)
    return buffer.getvalue()


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale, abort_invalid=True)


def extract() -> int:
    catalog = extract_catalog()
    TEMPLATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    if TEMPLATE_FILE.exists() and _signature(read_catalog(TEMPLATE_FILE)) == _signature(catalog):
        return len(catalog)  # unchanged: keep the file (and its date) as it is
    TEMPLATE_FILE.write_bytes(render_po(catalog))
    return len(catalog)


# --- update ----------------------------------------------------------------------------

def review_status(catalog: Catalog) -> str:
    found = REVIEW_LINE.search(catalog.header_comment or "")
    return found.group(1) if found else "machine-drafted"


def _header_comment(code: str, status: str) -> str:
    name = Locale.parse(code).get_display_name("en")
    return (f"# {name} translations for {PROJECT}.\n"
            f"# This file is distributed under the same licence as {PROJECT}.\n"
            f"# Review-Status: {status}\n"
            f"# (machine-drafted: written without a community review yet;\n"
            f"#  community-reviewed: checked by a fluent reader from the community)")


def update() -> list[str]:
    """Merge the template into each language's catalogue; returns the locales created."""
    template = read_catalog(TEMPLATE_FILE)
    created = []
    for code in translated_locales():
        path = po_path(code)
        if path.exists():
            catalog = read_catalog(path, locale=code)
            status = review_status(catalog)
        else:
            catalog = Catalog(locale=code, project=PROJECT, copyright_holder=COPYRIGHT, charset="utf-8",
                              fuzzy=False)
            status = "machine-drafted"
            created.append(code)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=True)
        catalog.fuzzy = False
        catalog.header_comment = _header_comment(code, status)
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[code]), ("Language", code)]
        catalog.msgid_bugs_address = ""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_po(catalog))
    return created


# --- compile ---------------------------------------------------------------------------

def compile_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for code in translated_locales():
        path = po_path(code)
        if path.exists():
            target = path.with_suffix(".mo")
            target.write_bytes(compile_mo(read_catalog(path, locale=code)))
            written.append(target)
    return written


# --- check -----------------------------------------------------------------------------

@dataclass
class Report:
    problems: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.problems.append(text)

    @property
    def ok(self) -> bool:
        return not self.problems


def placeholders(text: str) -> Counter:
    """Named placeholders by name, unnamed ones in order; '%%' is not a placeholder."""
    found = Counter()
    unnamed = 0
    for match in PLACEHOLDER.finditer(text):
        if match.group("kind") == "%":
            continue
        if match.group("name") is not None:
            found[f"%({match.group('name')}){match.group('kind')}"] += 1
        else:
            found[f"#{unnamed}%{match.group('kind')}"] += 1
            unnamed += 1
    return found


def tags(text: str) -> Counter:
    return Counter(TAG.findall(text))


def cldr_plural_count(code: str) -> int:
    """How many plural categories CLDR uses for whole numbers in this language."""
    rule = i18n.babel_locale(code).plural_form
    return len({rule(n) for n in PLURAL_SAMPLES})


def check_plural_forms(code: str, catalog: Catalog, report: Report) -> None:
    import gettext as stdlib_gettext

    header = dict(catalog.mime_headers).get("Plural-Forms", "")
    match = re.match(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", header)
    if not match:
        report.add(f"{code}: Plural-Forms header missing or malformed: {header!r}")
        return
    count, expression = int(match.group(1)), match.group(2)
    expected = cldr_plural_count(code)
    if count != expected:
        report.add(f"{code}: Plural-Forms has nplurals={count}, CLDR has {expected} for whole numbers")
        return
    try:
        rule = stdlib_gettext.c2py(expression)
    except (ValueError, SyntaxError) as error:
        report.add(f"{code}: Plural-Forms expression does not parse: {error}")
        return
    cldr = i18n.babel_locale(code).plural_form
    pairs: dict[str, int] = {}
    for n in PLURAL_SAMPLES:
        category, index = cldr(n), rule(n)
        if pairs.setdefault(category, index) != index or not 0 <= index < count:
            report.add(f"{code}: Plural-Forms picks form {index} for {n}, which CLDR calls '{category}'")
            return
    if len(set(pairs.values())) != len(pairs):
        report.add(f"{code}: Plural-Forms gives two CLDR categories the same form")


def check_message(code: str, message: Message, count: int, report: Report) -> None:
    label = f"{code}: {message.id if isinstance(message.id, str) else message.id[0]!r}"
    if message.fuzzy:
        report.add(f"{label} is marked fuzzy (needs a translator's check)")
        return
    if isinstance(message.id, (list, tuple)):
        forms = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        if len(forms) != count or not all(forms):
            report.add(f"{label} needs {count} plural form(s), has {sum(1 for f in forms if f)}")
            return
        source = message.id[1]
    else:
        forms = [message.string]
        if not message.string:
            report.add(f"{label} is not translated")
            return
        source = message.id
    for form in forms:
        if placeholders(form) != placeholders(source):
            report.add(f"{label}: placeholders {sorted(placeholders(form))} do not match "
                       f"{sorted(placeholders(source))}")
        if tags(form) != tags(source):
            report.add(f"{label}: HTML tags {sorted(tags(form))} do not match {sorted(tags(source))}")


def check() -> Report:
    report = Report()
    fresh = extract_catalog()
    if not TEMPLATE_FILE.exists():
        report.add("locales/messages.pot is missing: run `esol-finder i18n all`")
        return report
    template = read_catalog(TEMPLATE_FILE)
    if _signature(template) != _signature(fresh):
        report.add("locales/messages.pot is out of date with the source: run `esol-finder i18n all`")
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in fresh if m.id}
    for code in translated_locales():
        path = po_path(code)
        if not path.exists():
            report.add(f"{code}: {path.relative_to(ROOT)} is missing: run `esol-finder i18n update`")
            continue
        catalog = read_catalog(path, locale=code)
        if review_status(catalog) not in REVIEW_STATUSES:
            report.add(f"{code}: unknown review status {review_status(catalog)!r} "
                       f"(use one of {', '.join(REVIEW_STATUSES)})")
        check_plural_forms(code, catalog, report)
        count = catalog.num_plurals
        present = set()
        for message in catalog:
            if not message.id:
                continue
            present.add((message.id if isinstance(message.id, str) else message.id[0], message.context))
            check_message(code, message, count, report)
        for msgid, _context in sorted(wanted - present, key=lambda item: (item[0], item[1] or "")):
            report.add(f"{code}: {msgid!r} is not in the catalogue: run `esol-finder i18n update`")
    return report


def status_rows() -> list[tuple[str, str, str, int, int]]:
    rows = []
    for code in translated_locales():
        path = po_path(code)
        if not path.exists():
            rows.append((code, i18n.autonym(code), "missing", 0, 0))
            continue
        catalog = read_catalog(path, locale=code)
        messages = [m for m in catalog if m.id]
        done = sum(1 for m in messages if not m.fuzzy and (all(m.string) if isinstance(m.string, (list, tuple))
                                                            else m.string))
        rows.append((code, Locale.parse(code).get_display_name("en"), review_status(catalog), done, len(messages)))
    return rows
