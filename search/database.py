"""The database fallback: the same search contract over ``SearchRecord`` rows.

Used by the embedded default (no OpenSearch) and whenever the engine cannot
be reached. Every word of the query must occur in the folded text (so
diacritics are optional), phrases must occur as written once folded, and
results rank by: the document number matching, words in the title, the query
matching with its diacritics, then date. No stemming and no relevance scoring
beyond that.

Speed: on PostgreSQL a GIN index of the folded words (migration 0004) finds
the rows holding every word, and one of the pairs of neighbouring words
(migration 0006) those holding a quoted phrase. A search is two queries
(``search``). The first counts and facets at most ``SEARCH_COUNT_CAP`` (or
``SEARCH_FACET_SAMPLE``) matches and says when it stopped, as the engine
does, and takes the first records in rank order from the newest matches of
each tier, which an index on the date (migration 0008) reads without
reading every match. Then the page's records are read whole. SQLite scans
with ``LIKE '% word %'``.
"""

import html
import itertools
import re
from typing import NamedTuple

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import IsNull

from content_types.models.audience import ReaderRule

from . import conf
from .found import Found
from .models import SearchRecord, SearchRecordScope
from .text import fold, fold_numbers, parse_query, search_words

SNIPPET = 160


class Scan(NamedTuple):
    """What ``_scan`` reads in one query."""

    count: int
    facets: dict
    first_ids: list
    # Among them, those past the ranked window (``_candidates``).
    unranked: list
    count_capped: bool
    facets_estimated: bool


# Matches beyond the page checked for the words as typed (``_page``).
EXACT_CANDIDATES = 50
# Facet buckets returned, the largest first (years: the latest).
FACET_SIZE = 30


def readable(branch_path):
    scopes = SearchRecordScope.objects.filter(record_id=OuterRef("pk"))
    return ReaderRule(branch_path).q(audience_field="audience", scopes=scopes)


def _filters(params, branch_path):
    """What a match must be besides its words: readable by the caller, and
    the search's filters."""
    condition = readable(branch_path)
    for name in ("kind", "document_type", "status", "locale"):
        value = getattr(params, name)
        if value:
            condition &= Q(**{name: value})
    if params.year:
        condition &= Q(date__year=params.year)
    if params.date_from:
        condition &= Q(date__gte=params.date_from)
    if params.date_to:
        condition &= Q(date__lte=params.date_to)
    if params.unit is not None:
        if params.include_subunits:
            condition &= Q(unit_path__startswith=params.unit.path)
        else:
            condition &= Q(unit_id=params.unit.pk)
    return condition


def _generated(column):
    """A column PostgreSQL keeps beside the model's (migrations 0004 and 0006),
    not a model field as SQLite has none; named through the query's alias of
    the records' table, so that it is right in a subquery too."""
    field = TextField()
    field.set_attributes_from_name(column)
    return Col(SearchRecord._meta.db_table, field)


class _Matches(Func):
    """``tsvector @@ tsquery``."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()


# Words this long or longer are cut in ``folded_pairs`` (migration 0006).
PAIR_WORD_LENGTH = 100


def _has_words(text):
    """Records whose folded words include every word of ``text``, through the
    word index: its lexemes are exactly the words ``search_words`` puts
    between spaces, so for single words this is the ``LIKE '% w %'`` test."""
    words = RawSQL("plainto_tsquery('simple'::regconfig, %s)", [text.strip()])
    return _Matches(_generated("folded_words"), words)


def _has_phrase(needle, indexed=True):
    """Records whose folded text holds ``needle`` (`` w1 w2 ``, from
    ``search_words``) as written, found through the index of neighbouring
    words (``indexed``): the records holding all its pairs, or none (too
    long, see migration 0006). The pairs only lead to the records: the
    check on each is the text's, inline in the row, where the pairs are
    stored apart (TOAST) and cost 20 to 30 µs a record to read (a common
    phrase past the cap took 250 ms). A single word is ``_has_words``'s."""
    words = needle.split()
    as_written = Q(folded__contains=needle)
    if len(words) < 2:
        return Q()
    if not indexed or max(len(word) for word in words) >= PAIR_WORD_LENGTH:
        return as_written
    # Words are letters and digits only (``search.text``): nothing to quote.
    pairs = " & ".join(f"'{first}_{second}'" for first, second in itertools.pairwise(words))
    has_pairs = Q(_Matches(_generated("folded_pairs"), RawSQL("%s::tsquery", [pairs])))
    return as_written & (has_pairs | Q(IsNull(_generated("folded_pairs"), True)))


def _words(parsed, indexed=True):
    """What a match must hold: every word, and each phrase (``_has_phrase``)."""
    condition = Q()
    if connections[SearchRecord.objects.db].vendor != "postgresql":
        for text in [*parsed.terms, *parsed.phrases]:
            condition &= Q(folded__contains=search_words(text))
        return condition
    words = " ".join(search_words(text) for text in [*parsed.terms, *parsed.phrases])
    if words.strip():
        condition &= Q(_has_words(words))
    for phrase in parsed.phrases:
        condition &= _has_phrase(search_words(phrase), indexed)
    return condition


def _condition(params, branch_path):
    return _filters(params, branch_path) & _words(params.parsed)


def _has_diacritics(word):
    return fold(word) != word.lower()


# A match's rank (``_rank``), by the tiers it reaches.
NUMBER, TITLE, EXACT = 8, 3, 1


def _tiers(parsed):
    """What ranks a match above those of any date, highest first: the
    document number matching every word, every word and phrase in the title."""
    title_match = Q()
    for word in [*parsed.terms, *parsed.phrases]:
        title_match &= Q(folded_title__contains=search_words(word))
    if not parsed.terms:
        return [(TITLE, title_match)]
    number_match = Q()
    for word in parsed.terms:
        number_match &= Q(folded_number__contains=search_words(word))
    return [(NUMBER, number_match), (TITLE, title_match)]


def _rank(parsed, exact=None):
    """A record's rank: the document number matching (8), the words in the
    title (3), the words as typed (1, with ``exact``: ``_exact_match``), else 0."""
    if parsed.is_empty:
        return Value(0, output_field=IntegerField())
    whens = [When(tier, then=Value(rank)) for rank, tier in _tiers(parsed)]
    if exact is not None:
        whens.append(When(exact, then=Value(EXACT)))
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


# Rank, then the newest first (no date last).
ORDER = ["-rank", F("date").desc(nulls_last=True), "-object_id", "-pk"]


def _needle_pattern(needle):
    """A folded word or phrase as a pattern over folded text whose numbers may
    carry leading zeros ("5" marks the "05" of "05-NQ/TU")."""
    parts = re.split(r"([0-9]+)", fold_numbers(needle))
    body = "".join(f"0*{part}" if part.isdigit() else re.escape(part) for part in parts)
    return rf"\b{body}\b"


def _spans_before(pattern, folded, end):
    """``pattern``'s matches in ``folded`` starting before ``end``: a long text
    is not read past the snippet."""
    spans = []
    for match in pattern.finditer(folded):
        if match.start() >= end:
            break
        spans.append(match.span())
    return spans


def _highlight(record, parsed):
    needles = [fold(p) for p in parsed.phrases] + [fold(w) for w in parsed.terms]
    if not needles:
        return None
    patterns = [re.compile(_needle_pattern(needle)) for needle in needles]
    for original in (record.text, record.attachment_text, record.title):
        folded = fold(original)
        found = [match.start() for match in (p.search(folded) for p in patterns) if match]
        if not found:
            continue
        begin = max(0, min(found) - SNIPPET // 3)
        end = min(len(original), begin + SNIPPET)
        spans = [span for pattern in patterns for span in _spans_before(pattern, folded, end)]
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


# One read: a sample of the matches, at most ``{limit}`` rows in the order the
# database finds them, gives the count (its size) and the facet buckets (its
# first ``{facets}`` rows). The first ``{first}`` rows in rank order are the
# sample's when it holds every match; else they come from ``{candidates}``
# (``_candidates``), which is read only then. Each of these comes with its rank.
SCAN_SQL = """
WITH sample AS (
    SELECT *, row_number() OVER () AS n FROM ({matching}) AS matching_rows
), counted AS (SELECT COUNT(*) AS found FROM sample)
SELECT 'count', NULL, CAST(NULL AS bigint), found FROM counted
UNION ALL SELECT 'kind', kind, NULL, COUNT(*) FROM sample WHERE n <= {facets} GROUP BY kind
UNION ALL SELECT 'document_type', document_type, NULL, COUNT(*) FROM sample
    WHERE n <= {facets} AND document_type <> '' GROUP BY document_type
UNION ALL SELECT 'unit', NULL, unit_id, COUNT(*) FROM sample
    WHERE n <= {facets} AND unit_id IS NOT NULL GROUP BY unit_id
UNION ALL SELECT 'year', NULL, "year", COUNT(*) FROM sample
    WHERE n <= {facets} AND "year" IS NOT NULL GROUP BY "year"
UNION ALL SELECT 'first', NULL, id, "rank" FROM (
    SELECT id, "rank" FROM sample WHERE (SELECT found FROM counted) < {limit}
    ORDER BY "rank" DESC, "date" DESC NULLS LAST, object_id DESC, id DESC LIMIT {first}
) AS first_of_all
UNION ALL SELECT 'first', NULL, id, "rank" FROM (
    SELECT id, "rank" FROM ({candidates}) AS candidates
    WHERE (SELECT found FROM counted) >= {limit}
    ORDER BY "rank" DESC, "date" DESC NULLS LAST, object_id DESC, id DESC LIMIT {first}
) AS first_of_candidates
"""
# Past the cap, the newest matches the tiers are weighed on (``_candidates``).
RANKED_WINDOW = 50
# The window's matches by date; past its first ``{window}``, a match ranks
# by its date alone (``UNRANKED``), unless its number matches.
WINDOW_SQL = """
SELECT id, CASE WHEN position <= {window} OR "rank" = {number} THEN "rank" ELSE {unranked} END
    AS "rank", "date", object_id
FROM (
    SELECT *, row_number() OVER (
        ORDER BY "date" DESC NULLS LAST, object_id DESC, id DESC) AS position
    FROM ({newest}) AS newest
) AS window_rows
"""
# Below every tier, so that its matches (all older than the window's) follow them.
UNRANKED = -1
# The newest first (no date last): what each tier's candidates are read by,
# through the index ``search_record_newest`` (migration 0008).
NEWEST = [F("date").desc(nulls_last=True), "-object_id", "-pk"]


def _sql(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _newest_first(records, parsed, limit):
    """The SQL of ``records``' newest ``limit``, with their rank."""
    ranked = records.annotate(rank=_rank(parsed)).order_by(*NEWEST)
    return _sql(ranked.values("id", "rank", "date", "object_id")[:limit])


def _candidates(params, branch_path, first):
    """Past the cap, where the first ``first`` in rank order come from: the
    newest ``RANKED_WINDOW`` matches (at least ``first``), ranked by every
    tier, and the newest ``first`` matches of the number, a selective tier
    read through its own index. A match older than the window that reaches
    the title tier ranks by its date alone, as on the engine (its 500).

    The window is read newest first through the date index
    (``search_record_newest``) and stops at its limit. Its words are hidden
    from the planner (``COALESCE``): it would take a few common words for
    rare ones (their matches are counted as if independent) and read and
    sort every match instead; past the cap, more than a thousand match. The
    filters (a year, a unit) stay in sight, for their own indexes."""
    filters, words = _filters(params, branch_path), _words(params.parsed)
    window = SearchRecord.objects.filter(filters)
    if words:
        # Read row by row: the phrases checked in the text alone.
        unindexed = _words(params.parsed, indexed=False)
        window = window.filter(
            Coalesce(ExpressionWrapper(unindexed, BooleanField()), Value(False))
        )
    newest, params_of_window = _newest_first(window, params.parsed, max(first, RANKED_WINDOW))
    sqls = [
        WINDOW_SQL.format(window=RANKED_WINDOW, number=NUMBER, unranked=UNRANKED, newest=newest)
    ]
    values = list(params_of_window)
    if params.parsed.terms:
        number = filters & words & _tiers(params.parsed)[0][1]
        sql, number_params = _newest_first(
            SearchRecord.objects.filter(number), params.parsed, first
        )
        sqls.append(f"SELECT * FROM ({sql}) AS number_rows")
        values += number_params
    return " UNION ".join(sqls), values


def _caps():
    """(count cap, facet sample): the search settings', at most
    ``SEARCH_DATABASE_SAMPLE`` (``conf.database_sample``)."""
    most = conf.database_sample()
    return min(conf.count_cap(), most), min(conf.facet_sample(), most)


def _scan_query(params, branch_path, first):
    """``SCAN_SQL`` for a search and its parameters."""
    cap, facets = _caps()
    limit = max(cap, facets) + 1
    columns = ("id", "kind", "document_type", "unit_id", "year", "rank", "date", "object_id")
    records = matching(params, branch_path)
    sample = records.annotate(year=ExtractYear("date"), rank=_rank(params.parsed))
    sample_sql, sample_params = _sql(sample.values(*columns)[:limit])
    candidates_sql, candidates_params = _candidates(params, branch_path, first)
    sql = SCAN_SQL.format(
        matching=sample_sql,
        limit=int(limit),
        facets=int(facets),
        candidates=candidates_sql,
        first=int(first),
    )
    return sql, sample_params + candidates_params


def _scan(params, branch_path, first):
    """The count, the facet buckets and the ids of the first ``first`` records
    by rank (``_rank``, from the short columns), in one query. Past
    ``SEARCH_COUNT_CAP`` matches the count stops; past ``SEARCH_FACET_SAMPLE``
    the facets count the first matches found: returns whether either did."""
    cap, facets_sample = _caps()
    sql, params = _scan_query(params, branch_path, first)
    buckets = {name: {} for name in ("count", "kind", "document_type", "unit", "year", "first")}
    with connections[SearchRecord.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        for name, text, number, count in cursor.fetchall():
            buckets[name][text if number is None else int(number)] = count
    found = buckets.pop("count")[None]
    first = buckets.pop("first")
    unranked = [pk for pk, rank in first.items() if rank == UNRANKED]
    facets = {
        name: sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:FACET_SIZE]
        for name, counter in buckets.items()
    }
    facets["year"] = sorted(buckets["year"].items(), reverse=True)[:FACET_SIZE]
    return Scan(min(found, cap), facets, list(first), unranked, found > cap, found > facets_sample)


def _page(scan, parsed, start, end):
    """The records from ``start`` to ``end`` in rank order among the scan's
    first records, read whole but for the folded text, in one query. With
    diacritics in the query, those not matching the number or title rank
    first when they hold the words as typed (checked in the text of these
    few records only: an exact match older than those ranks by its date).
    Those past the ranked window rank by date alone."""
    rank = _rank(parsed, _exact_match(parsed))
    if scan.unranked:
        rank = Case(When(pk__in=scan.unranked, then=Value(UNRANKED)), default=rank)
    records = SearchRecord.objects.filter(pk__in=scan.first_ids).defer("folded")
    return list(records.annotate(rank=rank).order_by(*ORDER)[start:end])


def matching(params, branch_path):
    """The records the reader may read that match ``params``: what the count,
    the facets and the page are read from."""
    return SearchRecord.objects.filter(_condition(params, branch_path))


def _first(params):
    """How many records by rank the page is taken from: up to its end and,
    with diacritics, EXACT_CANDIDATES more for the words as typed (``_page``)."""
    extra = 0 if _exact_match(params.parsed) is None else EXACT_CANDIDATES
    return params.page * params.page_size + extra


def scan_query(params, branch_path):
    """The SQL of a search's first query and its parameters (for ``EXPLAIN``)."""
    return _scan_query(params, branch_path, _first(params))


def search(params, branch_path):
    """The fallback's ``Found``, shaped as ``engine.search``'s: two queries,
    one for the count and facets (exact up to ``SEARCH_COUNT_CAP`` and
    ``SEARCH_FACET_SAMPLE`` matches, then capped and sampled, as the engine's)
    and the first records by rank (``_scan``), one for the page's records
    (``_page``). On PostgreSQL the words are looked up in the word index
    (migration 0004), phrases in the pair index (0006), and the newest
    matches of a common word through the date index (0008).
    """
    start = (params.page - 1) * params.page_size
    end = start + params.page_size
    scan = _scan(params, branch_path, _first(params))
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
        for r in _page(scan, params.parsed, start, end)
    ]
    return Found(scan.count, hits, scan.facets, scan.count_capped, scan.facets_estimated)


def suggest(prefix, branch_path, locale, size=8):
    words = [fold_numbers(fold(word)) for word in parse_query(prefix).terms]
    records = SearchRecord.objects.filter(readable(branch_path), locale=locale)
    for word in words[:-1]:
        records = records.filter(folded_title__contains=f" {word} ")
    if words:
        records = records.filter(folded_title__contains=f" {words[-1]}")
    rows = records.order_by("-date", "-object_id").values("kind", "object_id", "title", "url")
    return list(rows[:size])
