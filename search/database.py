"""The database fallback: the same search contract over ``SearchRecord`` rows.

Used by the embedded default (no OpenSearch) and whenever the engine cannot
be reached. Every word of the query must occur in the folded text (so
diacritics are optional), phrases must occur as written once folded, and
results rank by: the document number matching, words in the title, the query
matching with its diacritics, then date. No stemming and no relevance scoring
beyond that.
"""

import html
import re
from collections import Counter

from django.db.models import Case, IntegerField, OuterRef, Q, Value, When

from content_types.models.audience import ReaderRule

from .models import SearchRecord, SearchRecordScope
from .text import fold, folded_words, parse_query

SNIPPET = 160


def readable(branch_path):
    scopes = SearchRecordScope.objects.filter(record_id=OuterRef("pk"))
    return ReaderRule(branch_path).q(audience_field="audience", scopes=scopes)


def _filtered(params, branch_path):
    records = SearchRecord.objects.filter(readable(branch_path))
    for name in ("kind", "document_type", "status", "locale"):
        value = getattr(params, name)
        if value:
            records = records.filter(**{name: value})
    if params.year:
        records = records.filter(date__year=params.year)
    if params.date_from:
        records = records.filter(date__gte=params.date_from)
    if params.date_to:
        records = records.filter(date__lte=params.date_to)
    if params.unit is not None:
        if params.include_subunits:
            records = records.filter(unit_path__startswith=params.unit.path)
        else:
            records = records.filter(unit_id=params.unit.pk)
    return records


def _matching(records, parsed):
    for text in [*parsed.terms, *parsed.phrases]:
        records = records.filter(folded__contains=folded_words(text))
    return records


def _ranked(records, parsed):
    if parsed.is_empty:
        return records.order_by("-date", "-object_id")
    number_terms = [folded_words(word) for word in parsed.terms]
    number_match = Q()
    for word in number_terms:
        number_match &= Q(folded_number__contains=word)
    title_match = Q()
    for word in [*parsed.terms, *parsed.phrases]:
        title_match &= Q(folded_title__contains=folded_words(word))
    exact_match = Q()
    for word in [*parsed.terms, *parsed.phrases]:
        exact_match &= Q(text__icontains=word) | Q(title__icontains=word)
    whens = [
        When(number_match, then=Value(8)) if number_terms else None,
        When(title_match, then=Value(3)),
        When(exact_match, then=Value(1)),
    ]
    rank = Case(*[w for w in whens if w], default=Value(0), output_field=IntegerField())
    return records.annotate(rank=rank).order_by("-rank", "-date", "-object_id")


def _highlight(record, parsed):
    needles = [fold(p) for p in parsed.phrases] + [fold(w) for w in parsed.terms]
    if not needles:
        return None
    for original in (record.text, record.attachment_text, record.title):
        folded = fold(original)
        spans = []
        for needle in needles:
            spans += [
                (m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(needle)}\b", folded)
            ]
        if not spans:
            continue
        first = min(start for start, _end in spans)
        begin = max(0, first - SNIPPET // 3)
        end = min(len(original), begin + SNIPPET)
        parts, cursor = [], begin
        for start, stop in sorted(spans):
            if start < cursor or stop > end:
                continue
            parts.append(html.escape(original[cursor:start]))
            parts.append(f"<mark>{html.escape(original[start:stop])}</mark>")
            cursor = stop
        parts.append(html.escape(original[cursor:end]))
        return "".join(parts).strip()
    return None


def _facets(rows):
    """Facet buckets from ``(kind, document_type, unit_id, date)`` rows, in one pass."""
    counters = {name: Counter() for name in ("kind", "document_type", "unit", "year")}
    for kind, document_type, unit_id, date in rows:
        counters["kind"][kind] += 1
        if document_type:
            counters["document_type"][document_type] += 1
        if unit_id:
            counters["unit"][unit_id] += 1
        if date:
            counters["year"][date.year] += 1
    facets = {
        name: sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:30]
        for name, counter in counters.items()
    }
    facets["year"] = sorted(counters["year"].items(), reverse=True)[:30]
    return facets


def search(params, branch_path):
    """The fallback's ``(count, hits, facets)``, shaped as ``engine.search``'s.

    Two scans of the matching rows: their facet columns (which also give the
    count) and the ranked page.
    """
    records = _matching(_filtered(params, branch_path), params.parsed)
    rows = list(records.values_list("kind", "document_type", "unit_id", "date"))
    start = (params.page - 1) * params.page_size
    page = list(_ranked(records, params.parsed)[start : start + params.page_size])
    hits = [
        {
            "kind": r.kind,
            "object_id": r.object_id,
            "title": r.title,
            "number": r.number,
            "url": r.url,
            "unit_id": r.unit_id,
            "unit_name": r.unit_name,
            "highlight": _highlight(r, params.parsed),
        }
        for r in page
    ]
    return len(rows), hits, _facets(rows)


def suggest(prefix, branch_path, locale, size=8):
    words = [fold(word) for word in parse_query(prefix).terms]
    records = SearchRecord.objects.filter(readable(branch_path), locale=locale)
    for word in words[:-1]:
        records = records.filter(folded_title__contains=f" {word} ")
    if words:
        records = records.filter(folded_title__contains=f" {words[-1]}")
    rows = records.order_by("-date", "-object_id").values("kind", "object_id", "title", "url")
    return list(rows[:size])
