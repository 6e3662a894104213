"""The taxonomies ESOL Finder publishes, so ESOL level, crèche, languages and the rest travel
as ORUK taxonomy terms (service attributes) and come back intact on import.

Names and descriptions are in English: the API is for machines and directories.
"""

from __future__ import annotations

from dataclasses import dataclass

from finder import i18n
from finder.domain import fields
from finder.oruk import ids

LANGUAGE_TAXONOMY = "esol-finder-language"


@dataclass(frozen=True)
class Taxonomy:
    name: str
    title: str
    description: str
    field: str  # the course field it carries (`finder.domain.fields`)
    skip: tuple[str, ...] = ()  # values that are the absence of a fact (no crèche)

    @property
    def many(self) -> bool:
        """A list field (levels) or a single value (kind)."""
        return fields.BY_NAME[self.field].many

    @property
    def vocab(self) -> dict | None:
        """slug -> domain.Term; None for languages (any language code)."""
        return fields.BY_NAME[self.field].vocabulary

    @property
    def id(self) -> str:
        return ids.stable("taxonomy", self.name)

    def values(self, course) -> list[str]:
        raw = getattr(course, self.field)
        values = list(raw or []) if self.many else ([raw] if raw else [])
        return [v for v in values if v not in self.skip]


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("esol-finder-level", "ESOL level",
             "The national ESOL levels a class teaches, from Pre-entry to Level 2, or mixed levels.",
             "levels"),
    Taxonomy("esol-finder-course-kind", "Kind of ESOL class",
             "Formal (accredited, leading to a qualification) or informal (community class, conversation club).",
             "kind"),
    Taxonomy("esol-finder-creche", "Crèche",
             "Childcare for learners' children: a crèche on site, or help with childcare costs. No term: no crèche.",
             "creche", skip=("none",)),
    Taxonomy("esol-finder-mode", "How the class is taught", "In person, online, or both.",
             "mode"),
    Taxonomy("esol-finder-cost", "Cost", "Free, a fee, or free or reduced for some people.",
             "cost"),
    Taxonomy("esol-finder-eligibility", "Who can come", "Who the class is open to.",
             "eligibility"),
    Taxonomy("esol-finder-audience", "Audience", "Classes for particular groups, such as women only or parents.",
             "audiences"),
    Taxonomy("esol-finder-join-method", "How to join", "Drop in, book first, or come to an assessment first.",
             "join_method"),
    Taxonomy("esol-finder-enrolment", "Enrolment", "Open for enrolment, waiting list, or a next start date.",
             "enrolment"),
    Taxonomy("esol-finder-availability", "Can new learners join now",
             "Places now, a waiting list, full, new learners start on the next intake date (the first schedule's "
             "dtstart), or a rolling intake (start any week).", "availability"),
    Taxonomy("esol-finder-creche-places", "Crèche places",
             "Whether the crèche has places now, a waiting list, or is full. No term: not known.", "creche_places"),
    Taxonomy(LANGUAGE_TAXONOMY, "Languages spoken by staff or volunteers",
             "Languages other than English that staff or volunteers speak (ISO 639 codes, as the term).",
             "languages"),
)
BY_NAME = {t.name: t for t in TAXONOMIES}
BY_ID = {t.id: t for t in TAXONOMIES}


@dataclass(frozen=True)
class TermInfo:
    taxonomy: Taxonomy
    slug: str

    @property
    def id(self) -> str:
        return ids.stable("taxonomy_term", self.taxonomy.name, self.slug)

    def name(self) -> str:
        with i18n.use_locale(i18n.DEFAULT_LOCALE):
            if self.taxonomy.vocab is None:
                return i18n.language_name(self.slug)
            return str(self.taxonomy.vocab[self.slug].label)

    def description(self) -> str:
        with i18n.use_locale(i18n.DEFAULT_LOCALE):
            if self.taxonomy.vocab is None:
                return f"Staff or volunteers speak {i18n.language_name(self.slug)}."
            term = self.taxonomy.vocab[self.slug]
            return str(term.explanation) if term.explanation else str(term.label)


def terms(taxonomy: Taxonomy, languages: set[str] = frozenset()) -> list[TermInfo]:
    """A taxonomy's terms; for languages, the shipped languages and those the catalogue uses."""
    if taxonomy.vocab is not None:
        return [TermInfo(taxonomy, slug) for slug in taxonomy.vocab if slug not in taxonomy.skip]
    codes = sorted(set(languages) | {c for c in i18n.SHIPPED_LOCALES if c != i18n.DEFAULT_LOCALE})
    return [TermInfo(taxonomy, code) for code in codes]


def all_terms(languages: set[str] = frozenset()) -> list[TermInfo]:
    return [term for taxonomy in TAXONOMIES for term in terms(taxonomy, languages)]


def course_terms(course) -> list[TermInfo]:
    return [TermInfo(t, value) for t in TAXONOMIES for value in t.values(course)
            if t.vocab is None or value in t.vocab]


def term_json(term: TermInfo, base_url: str) -> dict:
    return {
        "id": term.id,
        "name": term.name(),
        "description": term.description(),
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": term.taxonomy.id,
        "term": term.slug,
        "term_uri": f"{base_url}/oruk/taxonomy_terms/{term.id}",
    }


def taxonomy_json(taxonomy: Taxonomy, base_url: str, languages: set[str] = frozenset(),
                  with_terms: bool = False) -> dict:
    data = {"id": taxonomy.id, "name": taxonomy.name, "description": f"{taxonomy.title}: {taxonomy.description}",
            "uri": f"{base_url}/oruk/taxonomies/{taxonomy.id}", "version": "1"}
    if with_terms:
        data["taxonomy_terms"] = [term_json(t, base_url) for t in terms(taxonomy, languages)]
    return data


def find_term(term_id: str, languages: set[str] = frozenset()) -> TermInfo | None:
    for term in all_terms(languages):
        if term.id == term_id:
            return term
    return None


def term_from_json(data: dict) -> TermInfo | None:
    """One of our terms from an attribute's taxonomy_term (by taxonomy name and term), else None."""
    taxonomy = BY_NAME.get(str(data.get("taxonomy") or "")) or BY_ID.get(str(data.get("taxonomy_id") or ""))
    slug = str(data.get("term") or "")
    if taxonomy is None or not slug:
        return None
    if taxonomy.vocab is not None and slug not in taxonomy.vocab:
        return None
    return TermInfo(taxonomy, slug)
