"""The OpenSearch side of archive search: the index, its analyzers, and queries.

Mappings and queries are written with elasticsearch-dsl and sent as plain
bodies through opensearch-py. Every text field is indexed twice: as typed
(``title``) and folded to ASCII (``title.folded``), so that a query without
diacritics finds the text and a query with the right diacritics scores higher
on the exact field. Document numbers use the folded analyzer, which splits
``619-BC/ĐUK`` into ``619 bc duk``: any order and separator of those parts
matches. ``number_folded`` holds the number's words as ``text.number_words``
folds them (``05-NQ/TU`` -> ``5 nq tu 5nqtu``), and a query is folded by the
same function (``search_words``), so "5/NQ-TU" and "05nqtu" find it too.

Outages are cheap: a circuit breaker per engine address (``breaker()``,
``search.breaker``) skips the engine for ``SEARCH_ENGINE_RETRY_AFTER`` seconds
after ``SEARCH_ENGINE_FAILURES_TO_OPEN`` failed calls in a row, so searches
answer from the database fallback at once instead of each waiting for a
timeout. Documents are written with external versions (``apply``,
``bulk``): the engine keeps the highest version of each, so changes
applied out of order never leave an older document behind.
"""

import logging
import time

from elasticsearch_dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import OpenSearchException, TransportError

from . import conf, queries
from .found import Found
from .models import RebuildRun
from .outage import EngineSkipped as EngineSkipped
from .outage import EngineUnavailable as EngineUnavailable
from .outage import breaker_state as breaker_state
from .outage import guarded
from .queries import audience_filter
from .text import number_words

logger = logging.getLogger(__name__)

vi_exact = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])
vi_folded = analyzer("vi_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
vi_prefix = analyzer(
    "vi_prefix",
    tokenizer="standard",
    filter=[
        "lowercase",
        "asciifolding",
        token_filter("vi_edge", type="edge_ngram", min_gram=1, max_gram=20),
    ],
)


def _text(**extra):
    # ``english`` stems English text (conferences ~ conference) for English readers.
    # The folded field keeps offsets in its postings: snippets are cut from
    # them rather than by analysing the text again for every hit.
    return Text(
        analyzer=vi_exact,
        fields={
            "folded": Text(analyzer=vi_folded, index_options="offsets"),
            "english": Text(analyzer="english"),
            **extra,
        },
    )


class SearchDocument(Document):
    """One ``SearchRecord`` in the engine, with its audience fields."""

    kind = Keyword()
    object_id = Long()
    title = _text(prefix=Text(analyzer=vi_prefix, search_analyzer=vi_folded))
    number = Text(analyzer=vi_folded, fields={"raw": Keyword()})
    number_folded = Text(analyzer=vi_folded)
    number_value = Integer()
    text = _text()
    attachment_text = _text()
    url = Keyword(index=False)
    unit_id = Integer()
    unit_path = Keyword()
    unit_name = _text()
    document_type = Keyword()
    status = Keyword()
    locale = Keyword()
    audience = Keyword()
    reader_paths = Keyword()
    date = Date()
    year = Integer()


def _client(url):
    return OpenSearch(hosts=[url], timeout=conf.timeout(), max_retries=0, http_compress=False)


_clients = {}


def client():
    url = conf.engine_url()
    if not url:
        raise EngineUnavailable("no engine configured")
    if url not in _clients:
        _clients[url] = _client(url)
    return _clients[url]


def is_configured():
    return bool(conf.engine_url())


# The index


def index_body():
    index = Index("template")
    index.settings(
        number_of_shards=1,
        number_of_replicas=conf.replicas(),
        refresh_interval="1s",
        gc_deletes=conf.gc_deletes(),
    )
    index.document(SearchDocument)
    return index.to_dict()


def new_index_name():
    return f"{conf.index_alias()}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1_000_000:06d}"


def ensure_index():
    """Create an index behind the alias if there is none yet; return the alias.

    Index administration is slower than a search: it gets its own timeout
    (``search.index_admin`` has the rebuild's, with retries)."""
    alias = conf.index_alias()
    es = client()
    if not es.indices.exists_alias(name=alias):
        name = new_index_name()
        slow = {"request_timeout": conf.admin_timeout()}
        es.indices.create(index=name, body=index_body(), **slow)
        es.indices.update_aliases(
            body={"actions": [{"add": {"index": name, "alias": alias}}]}, **slow
        )
    return alias


def loading_indexes():
    """The new indexes that unfinished rebuilds are loading behind the alias.

    The outbox writes its changes to them as well as to the alias: a change
    applied now to the old index alone would be missing from the new one
    once the rebuild (or its resumption) swaps the alias, if the rebuild had
    already read that item. Its version is higher than the rebuild's, so the
    rebuild's own copy of the item, arriving later, is refused as older."""
    names = RebuildRun.objects.unfinished().filter(alias=conf.index_alias())
    return [
        name
        for name in names.values_list("index", flat=True)
        # Writing to an index that is gone would create it with no mappings.
        if client().indices.exists(index=name)
    ]


def document_source(record, reader_paths):
    return {
        "kind": record.kind,
        "object_id": record.object_id,
        "title": record.title,
        "number": record.number,
        "number_value": record.number_value,
        "number_folded": number_words(record.number).strip(),
        "url": record.url,
        "unit_id": record.unit_id,
        "unit_path": record.unit_path,
        "unit_name": record.unit_name,
        "document_type": record.document_type or None,
        "status": record.status or None,
        "locale": record.locale or None,
        "audience": record.audience,
        "reader_paths": reader_paths,
        "date": record.date.isoformat() if record.date else None,
        "year": record.year,
        "text": record.text,
        "attachment_text": record.attachment_text,
    }


def _versioned(version):
    return {"version": version, "version_type": "external"}


def index_actions(entries, index, version):
    for record, reader_paths in entries:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": record.key,
            "_source": document_source(record, reader_paths),
            **_versioned(version),
        }


def _already_done(error):
    """A refusal that leaves the index as wanted: a delete of a document it
    does not have (404), or a change older than the document it has (409:
    version conflict, the newer change arrived first)."""
    (outcome,) = error.values()
    return outcome.get("status") == 409 or ("delete" in error and outcome.get("status") == 404)


def bulk(actions, refresh, **options):
    """Send ``actions``; return how many the index took or already had newer.

    ``options`` go to each bulk request (``request_timeout``). Documents the
    node rejects as too busy (429) are sent again after a wait."""
    ok, errors = helpers.bulk(
        client(),
        actions,
        refresh=refresh,
        raise_on_error=False,
        chunk_size=1000,
        max_chunk_bytes=20 * 1024 * 1024,
        max_retries=3,
        **options,
    )
    refused = [e for e in errors if not _already_done(e)]
    if refused:
        raise EngineUnavailable(f"{len(refused)} changes refused: {refused[:1]}")
    return ok + len(errors)


def _apply(written, removed, version):
    actions = []
    for index in [ensure_index(), *loading_indexes()]:
        actions += index_actions(written, index, version)
        actions += [
            {"_op_type": "delete", "_index": index, "_id": key, **_versioned(version)}
            for key in removed
        ]
    return bulk(actions, conf.refresh())


def apply(written, removed, version):
    """Index ``written`` (``(record, reader paths)`` pairs, as ``records.refresh``
    returns them) and delete the ``removed`` keys, through the alias, as
    ``version`` (``outbox.draw_version``): a document the index holds at a
    higher version stays as it is, a delete leaves a tombstone with its
    version for ``SEARCH_INDEX_GC_DELETES`` (an older change arriving later
    than that could bring the document back)."""
    return guarded(_apply, written, removed, version)


# Queries


def _msearch(bodies):
    """The answers to ``bodies`` in one ``msearch``. A body's refusal comes in
    its answer, not as an exception: raised here as the plain search would
    have raised it, so that the breaker counts a 5xx as an outage."""
    answers = client().msearch(body=bodies)["responses"]
    for answer in answers:
        if "error" in answer:
            raise TransportError(answer.get("status", 500), "search refused", answer["error"])
    return answers


def _buckets(aggregations, name):
    return [(b["key"], b["doc_count"]) for b in aggregations.get(name, {}).get("buckets", [])]


def search(params, branch_path):
    """Run a search: the hits and the facets bodies (``search.queries``) in
    one round trip; return a ``Found``."""
    alias = conf.index_alias()
    bodies = [
        {"index": alias},
        queries.build_search(params, branch_path),
        {"index": alias},
        queries.build_facets(params, branch_path),
    ]
    found, counted = guarded(_msearch, bodies)
    hits = []
    for hit in found["hits"]["hits"]:
        highlight = None
        for name in queries.HIGHLIGHT_FIELDS:
            fragments = hit.get("highlight", {}).get(name)
            if fragments:
                highlight = fragments[0]
                break
        hits.append({**hit["_source"], "highlight": highlight})
    aggregations = counted.get("aggregations", {})
    total = found["hits"]["total"]
    return Found(
        count=total["value"],
        hits=hits,
        facets={name: _buckets(aggregations, name) for name in queries.FACETS},
        count_capped=total["relation"] == "gte",
        facets_estimated=bool(counted.get("terminated_early")),
    )


def suggest(prefix, branch_path, locale, size=8):
    search = (
        Search(index=conf.index_alias())
        .filter(audience_filter(branch_path))
        .filter(Q("term", locale=locale))
        .query(Q("match", **{"title.prefix": {"query": prefix, "operator": "and"}}))
        .source(["kind", "object_id", "title", "url"])
    )[:size]
    response = guarded(client().search, index=conf.index_alias(), body=search.to_dict())
    return [hit["_source"] for hit in response["hits"]["hits"]]


def is_reachable():
    """Whether the engine answers a ping now (health checks)."""
    try:
        return bool(client().ping(request_timeout=2))
    except (EngineUnavailable, OpenSearchException):
        return False
