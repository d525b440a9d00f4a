"""The database fallback: the same search contract over ``SearchRecord`` rows.

Used by the embedded default (no OpenSearch) and whenever the engine cannot
be reached. Every word of the query must occur in the folded text (so
diacritics are optional), phrases must occur as written once folded, and
results rank by: the document number matching, words in the title, the query
matching with its diacritics, then date. No stemming and no relevance scoring
beyond that.

Speed: on PostgreSQL a GIN index of the folded words (migration 0004) finds
the rows holding every word, and each search reads those rows once, short
columns only, for its count, facets and order (``search``); only the page's
rows, and the newest matches checked for the words as typed, are read
whole. SQLite scans with ``LIKE '% word %'``.
"""

import datetime
import heapq
import html
import re
from collections import Counter

from django.db import connections
from django.db.models import BooleanField, Case, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL

from content_types.models.audience import ReaderRule

from .models import SearchRecord, SearchRecordScope
from .text import fold, fold_numbers, parse_query, search_words

SNIPPET = 160
# Matches beyond the page checked for the words as typed (``_exact_first``).
EXACT_CANDIDATES = 50


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


# The words of ``folded``, a column PostgreSQL keeps with a GIN index
# (migration 0004); not a model field, as SQLite has no such column.
FOLDED_WORDS = "search_searchrecord.folded_words"


def _has_words(text):
    """Records whose folded words include every word of ``text``, through the
    word index: its lexemes are exactly the words ``search_words`` puts
    between spaces, so for single words this is the ``LIKE '% w %'`` test."""
    return RawSQL(
        f"{FOLDED_WORDS} @@ plainto_tsquery('simple'::regconfig, %s)",
        [text.strip()],
        output_field=BooleanField(),
    )


def _matching(records, parsed):
    if connections[records.db].vendor != "postgresql":
        for text in [*parsed.terms, *parsed.phrases]:
            records = records.filter(folded__contains=search_words(text))
        return records
    words = " ".join(search_words(text) for text in [*parsed.terms, *parsed.phrases])
    if words.strip():
        records = records.filter(_has_words(words))
    # The index has no word positions: a phrase is then checked as written.
    for phrase in parsed.phrases:
        records = records.filter(folded__contains=search_words(phrase))
    return records


def _has_diacritics(word):
    return fold(word) != word.lower()


def _rank(parsed):
    """The rank from the short columns: the document number matching (8), the
    words in the title (3), else 0 (``_exact_first`` may raise it to 1)."""
    number_match = Q()
    for word in parsed.terms:
        number_match &= Q(folded_number__contains=search_words(word))
    title_match = Q()
    for word in [*parsed.terms, *parsed.phrases]:
        title_match &= Q(folded_title__contains=search_words(word))
    whens = [When(title_match, then=Value(3))]
    if parsed.terms:
        whens.insert(0, When(number_match, then=Value(8)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _exact_match(parsed):
    """Every word as typed, diacritics included, in the text or the title; None
    for a query typed without diacritics (its words as typed are the folded
    words every row matched already)."""
    typed = [*parsed.terms, *parsed.phrases]
    if not any(_has_diacritics(word) for word in typed):
        return None
    exact = Q()
    for word in typed:
        exact &= Q(text__icontains=word) | Q(title__icontains=word)
    return exact


def _order(row):
    """Rank, then the newest first, of ``matching`` rows."""
    _pk, object_id, date, rank = row[:4]
    return (-rank, -(date or datetime.date.min).toordinal(), -object_id)


def _needle_pattern(needle):
    """A folded word or phrase as a pattern over folded text whose numbers may
    carry leading zeros ("5" marks the "05" of "05-NQ/TU")."""
    parts = re.split(r"([0-9]+)", fold_numbers(needle))
    body = "".join(f"0*{part}" if part.isdigit() else re.escape(part) for part in parts)
    return rf"\b{body}\b"


def _highlight(record, parsed):
    needles = [fold(p) for p in parsed.phrases] + [fold(w) for w in parsed.terms]
    if not needles:
        return None
    patterns = [re.compile(_needle_pattern(needle)) for needle in needles]
    for original in (record.text, record.attachment_text, record.title):
        folded = fold(original)
        spans = []
        for pattern in patterns:
            spans += [(m.start(), m.end()) for m in pattern.finditer(folded)]
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


def _page(records):
    """The page's records read whole, but for the folded text it never shows."""
    return records.defer("folded")


def _exact_first(ranked, others, start, end, exact):
    """The page when the words as typed (``_exact_match``) rank above the
    other matches after the number and title matches (``ranked``): checked
    on the page's share of the ``others`` and ``EXACT_CANDIDATES`` more, the
    newest, read whole in the page's one query. An exact match older than
    those ranks by its date. Returns the page's ids and the records read, by id."""
    count = max(0, end - len(ranked)) + EXACT_CANDIDATES
    candidates = heapq.nsmallest(count, others, key=_order)
    wanted = [row[0] for row in ranked[start:end]] + [row[0] for row in candidates]
    flag = Case(When(exact, then=Value(1)), default=Value(0), output_field=IntegerField())
    records = _page(SearchRecord.objects.filter(pk__in=wanted)).annotate(exact=flag)
    by_id = {r.pk: r for r in records}
    ordered = sorted(candidates, key=lambda row: -by_id[row[0]].exact)  # stable: by date
    page_ids = [row[0] for row in [*ranked, *ordered][start:end]]
    return page_ids, by_id


def matching(params, branch_path):
    """The main query: ``(pk, object_id, date, rank, kind, document_type,
    unit_id)`` of every row the reader may read that matches ``params``."""
    records = _matching(_filtered(params, branch_path), params.parsed)
    if params.parsed.is_empty:
        rank = Value(0, output_field=IntegerField())
    else:
        rank = _rank(params.parsed)
    return records.annotate(rank=rank).values_list(
        "pk", "object_id", "date", "rank", "kind", "document_type", "unit_id"
    )


def search(params, branch_path):
    """The fallback's ``(count, hits, facets)``, shaped as ``engine.search``'s.

    One scan of the matching rows gives the count, the facets and each row's
    rank (short columns only: ``_rank``); the rows are ordered here, and the
    page's rows are then read whole by id, in one query. On PostgreSQL the
    words are looked up in the word index (migration 0004), so a search reads
    only the rows that hold them, and not their long text.
    """
    rows = list(matching(params, branch_path))
    start = (params.page - 1) * params.page_size
    end = start + params.page_size
    # Number and title matches first, then the others; only the first of
    # those are put in order.
    ranked = sorted((row for row in rows if row[3] >= 3), key=_order)
    others = [row for row in rows if row[3] < 3]
    exact = _exact_match(params.parsed)
    if exact is None or end <= len(ranked):
        newest = heapq.nsmallest(max(0, end - len(ranked)), others, key=_order)
        page_ids = [row[0] for row in [*ranked, *newest][start:end]]
        by_id = _page(SearchRecord.objects.all()).in_bulk(page_ids)
    else:
        page_ids, by_id = _exact_first(ranked, others, start, end, exact)
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
        for r in (by_id[pk] for pk in page_ids)
    ]
    facet_rows = [
        (kind, document_type, unit_id, date)
        for _pk, _o, date, _r, kind, document_type, unit_id in rows
    ]
    return len(rows), hits, _facets(facet_rows)


def suggest(prefix, branch_path, locale, size=8):
    words = [fold_numbers(fold(word)) for word in parse_query(prefix).terms]
    records = SearchRecord.objects.filter(readable(branch_path), locale=locale)
    for word in words[:-1]:
        records = records.filter(folded_title__contains=f" {word} ")
    if words:
        records = records.filter(folded_title__contains=f" {words[-1]}")
    rows = records.order_by("-date", "-object_id").values("kind", "object_id", "title", "url")
    return list(rows[:size])
