"""The bodies an archive search sends to OpenSearch, in one ``msearch``.

A search is two bodies with the same filters (the audience first) and the
same words, which are a filter in both (nothing scores how often they occur):

- **the hits** (``build_search``): the page of results with their snippets.
  A match scores its date alone (``distance_feature``), so once the count
  has reached ``SEARCH_COUNT_CAP`` (``track_total_hits``) Lucene skips the
  matches too old to make the top. The newest ``RANKED_WINDOW`` are then
  weighed by tiers (``rescore``): the number, the title, the spelling as
  typed, the phrase, in force (``_tiers``);
- **the facets** (``build_facets``): no hits, no scores, the four terms
  aggregations over at most ``SEARCH_FACET_SAMPLE`` matches
  (``terminate_after``). Under that many matches the facets are exact; past
  it they count the first matches in index order and the response says
  ``facets_estimated``.

On the city's archive, where each of the demo's 66 words is in nine items
out of ten, a search used to score every one of 130,000 matches and count
them into the facets; this reads about 10,000 of them, twice, unscored
(docs/search.md, "Search at city scale").
"""

from elasticsearch_dsl import Q

from content_types.models.audience import ReaderRule

from . import conf
from .text import fold, fold_numbers, search_words

FOLDED_FIELDS = [
    "title.folded^3",
    "number^4",
    "text.folded",
    "attachment_text.folded",
    "unit_name.folded^0.5",
]
# For the query with its numbers folded: the number's folded words instead of the number.
NUMBER_FOLDED_FIELDS = [
    "number_folded^4" if name == "number^4" else name for name in FOLDED_FIELDS
]
# Words with no number to fold: the number as typed and folded at once.
BOTH_NUMBERS_FIELDS = [*FOLDED_FIELDS, "number_folded^4"]
EXACT_FIELDS = ["title^3", "text", "attachment_text"]
PHRASE_FIELDS = ["title.folded^2", "text.folded", "attachment_text.folded"]
HIGHLIGHT_FIELDS = ["text.folded", "attachment_text.folded", "title.folded"]
# Per language, the analysed fields added to the folded ones.
LANGUAGE_FIELDS = {"en": ["title.english^3", "text.english", "attachment_text.english"]}
TITLE_LANGUAGE_FIELDS = {"en": ["title.english"]}
FACETS = ("kind", "document_type", "unit", "year")
SOURCE = ["kind", "object_id", "title", "number", "url", "unit_id", "unit_name"]

# Ranking: a match's score is its recency, from 0 to 1 (``distance_feature``:
# today 1, a year old 1/2, two years old 1/3), plus the tiers it reaches
# (``_tiers``): the number, all the words in the title, the spelling as typed,
# the words as a phrase in the title, in force. A tier outweighs any difference of date.
RECENCY_PIVOT = "365d"
NUMBER = 8
NUMBER_VALUE = 4
TITLE = 3
EXACT = 1
PHRASE = 0.5
IN_FORCE = 0.3
# The newest matches whose tiers are weighed (``rescore``), on every page.
RANKED_WINDOW = 500


def audience_filter(branch_path):
    return Q(ReaderRule(branch_path).opensearch_filter())


# The bodies are plain dicts: elasticsearch-dsl's objects took 1.4 ms of
# Python a search to build and copy, longer than the engine takes for a
# number (docs/search.md, "Search at city scale").


def _filters(params, branch_path):
    filters = [ReaderRule(branch_path).opensearch_filter()]
    for name in ("kind", "document_type", "status", "locale", "year"):
        value = getattr(params, name)
        if value not in (None, ""):
            filters.append({"term": {name: value}})
    if params.unit is not None:
        if params.include_subunits:
            filters.append({"prefix": {"unit_path": params.unit.path}})
        else:
            filters.append({"term": {"unit_id": params.unit.pk}})
    if params.date_from or params.date_to:
        bounds = {}
        if params.date_from:
            bounds["gte"] = params.date_from.isoformat()
        if params.date_to:
            bounds["lte"] = params.date_to.isoformat()
        filters.append({"range": {"date": bounds}})
    return filters


def _bool(**clauses):
    return {"bool": clauses}


def _cross_fields(query, fields):
    """Every word of ``query`` in one of ``fields`` at least."""
    options = {"operator": "and", "type": "cross_fields"}
    return {"multi_match": {"query": query, "fields": fields, **options}}


def _phrase(query, fields):
    return {"multi_match": {"query": query, "fields": fields, "type": "phrase"}}


def _words(parsed, locale):
    """What a match must hold: every word somewhere, as typed ("05" in a
    text) or with its numbers folded ("5" or "05nqtu" in a document number),
    and each phrase as a phrase.

    Without a leading zero to fold, the two are the same words: one clause
    over both number fields finds what the two found (the same results on
    the city benchmark's 200 queries) and the engine checks each match once
    instead of twice."""
    must = []
    free = parsed.free_text
    if free:
        language = LANGUAGE_FIELDS.get(locale, [])
        if fold_numbers(free) == free:
            must.append(_cross_fields(free, BOTH_NUMBERS_FIELDS + language))
        else:
            should = [
                _cross_fields(query, fields + language)
                for query, fields in (
                    (free, FOLDED_FIELDS),
                    (search_words(free).strip(), NUMBER_FOLDED_FIELDS),
                )
            ]
            must.append(_bool(should=should, minimum_should_match=1))
    must += [_phrase(phrase, PHRASE_FIELDS) for phrase in parsed.phrases]
    return must


def _constant(query, score):
    return {"constant_score": {"filter": query, "boost": score}}


def _holding(texts, fields):
    """Every ``(text, kind)`` of ``texts`` in ``fields``: its words
    (``cross_fields``) or, for a quoted one, as a phrase."""
    clauses = [
        _phrase(text, fields) if kind == "phrase" else _cross_fields(text, fields)
        for text, kind in texts
    ]
    return clauses[0] if len(clauses) == 1 else _bool(must=clauses)


def _tiers(parsed, locale):
    """The clauses that rank a match above those of any date: each adds a
    constant, so weighing them costs no scoring of words."""
    free = parsed.free_text
    # Every word and phrase, each matched as words (free) or as a phrase.
    texts = [(free, "cross_fields")] if free else []
    texts += [(phrase, "phrase") for phrase in parsed.phrases]
    title_fields = ["title.folded", *TITLE_LANGUAGE_FIELDS.get(locale, [])]
    tiers = []
    if free:
        numbers_folded = search_words(free).strip()
        in_number = {"match": {"number_folded": {"query": numbers_folded, "operator": "and"}}}
        tiers.append(_constant(in_number, NUMBER))
        tiers += [_constant({"term": {"number_value": n}}, NUMBER_VALUE) for n in parsed.numbers]
        # In the title only: checking a phrase in 500 long texts took 30 ms.
        as_phrase = {"match_phrase": {"title.folded": free}}
        tiers.append(_constant(as_phrase, PHRASE))
    tiers.append(_constant(_holding(texts, title_fields), TITLE))
    # Typed without diacritics, the words as typed are the folded words every
    # match holds: no tier (as in the database fallback).
    typed = " ".join([free, *parsed.phrases])
    if fold(typed) != typed.lower():
        tiers.append(_constant(_holding(texts, EXACT_FIELDS), EXACT))
    tiers.append(_constant({"term": {"status": "in_force"}}, IN_FORCE))
    return tiers


def _recency():
    return {"distance_feature": {"field": "date", "origin": "now/d", "pivot": RECENCY_PIVOT}}


def _highlight_query(parsed):
    """The words and phrases alone: marking them needs none of the scoring
    clauses, and handing the highlighter the whole query doubled its cost."""
    wanted = [_phrase(phrase, HIGHLIGHT_FIELDS) for phrase in parsed.phrases]
    if parsed.free_text:
        wanted.append({"multi_match": {"query": parsed.free_text, "fields": HIGHLIGHT_FIELDS}})
    return _bool(should=wanted)


def _highlight(parsed):
    field = {"fragment_size": 160, "number_of_fragments": 1, "no_match_size": 0}
    return {
        "fields": {name: dict(field) for name in HIGHLIGHT_FIELDS},
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "type": "unified",
        "highlight_query": _highlight_query(parsed),
    }


def build_search(params, branch_path):
    """The hits body: the page, ranked, with snippets; counted up to the cap."""
    parsed = params.parsed
    start = (params.page - 1) * params.page_size
    body = {
        "_source": SOURCE,
        "from": start,
        "size": params.page_size,
        "track_total_hits": conf.count_cap(),
    }
    filtered = [_bool(filter=_filters(params, branch_path))]
    if parsed.is_empty:
        body["query"] = _bool(filter=filtered)
        body["sort"] = [{"date": {"order": "desc"}}, {"object_id": {"order": "desc"}}]
        return body
    # The words are a filter: the score is the date's alone, so Lucene
    # skips the matches too old to make the window once the count has
    # reached the cap; then the window's matches are weighed by tiers.
    words = _bool(filter=_words(parsed, params.locale))
    body["query"] = _bool(
        filter=filtered, must=[words], should=[_recency()], minimum_should_match=0
    )
    # The same window for every page: the pages past it follow it in
    # date order, and no match moves between pages as one reads on.
    body["rescore"] = {
        "window_size": RANKED_WINDOW,
        "query": {
            "rescore_query": _bool(should=_tiers(parsed, params.locale)),
            "query_weight": 1,
            "rescore_query_weight": 1,
        },
    }
    body["highlight"] = _highlight(parsed)
    return body


def build_facets(params, branch_path):
    """The facets body: the buckets of the first ``SEARCH_FACET_SAMPLE``
    matches, unscored."""
    filters = [_bool(filter=_filters(params, branch_path))]
    if not params.parsed.is_empty:
        filters.append(_bool(must=_words(params.parsed, params.locale)))
    return {
        "query": _bool(filter=filters),
        "aggs": {
            "kind": {"terms": {"field": "kind", "size": 10}},
            "document_type": {"terms": {"field": "document_type", "size": 30}},
            "unit": {"terms": {"field": "unit_id", "size": 20}},
            "year": {"terms": {"field": "year", "size": 30, "order": {"_key": "desc"}}},
        },
        "size": 0,
        "track_total_hits": False,
        "terminate_after": conf.facet_sample(),
    }
