"""Where a search's time goes (``search_bench.py --profile``): one process,
one client, each query of the mix through ``search.service.run_search`` as
the API runs it, split into

- the engine's own ``took`` (OpenSearch's time for the ``msearch`` of the
  hits and facets bodies, fetch of the page included),
- the round trip around it (HTTP, JSON encoding and decoding in the client),
- the rest, Python's: reading the request's parameters, building the query,
  turning hits and facets into the response (unit names included);

by query shape, with the median number found. Then OpenSearch's ``profile``
of the slowest query: the time of each top-level clause and aggregation.
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser

from content_types.models.audience import reader_branch_path
from search import conf, engine, queries
from search.params import SearchParams, SearchQuerySerializer
from search.service import run_search

#: ``query_mix`` cycles through ten shapes: request n has shape n % 10.
SHAPES = [
    "words",
    "words",
    "words",
    "words, folded",
    "words, folded",
    "two title words in quotes",
    "a document number",
    "a number alone",
    "words, kind=document, document_type",
    "words, folded, unit subtree and year",
]


class TimedClient:
    """The engine's client, recording ``(took, round trip ms)`` of each
    search (one ``msearch`` of the hits and the facets bodies)."""

    def __init__(self, client):
        self.client = client
        self.calls = []

    def msearch(self, **kwargs):
        started = time.perf_counter()
        response = self.client.msearch(**kwargs)
        self.calls.append((response["took"], (time.perf_counter() - started) * 1000))
        return response

    def __getattr__(self, name):
        return getattr(self.client, name)


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _search_once(params, user):
    serializer = SearchQuerySerializer(data=params)
    serializer.is_valid(raise_exception=True)
    started = time.perf_counter()
    body, backend = run_search(SearchParams.from_data(serializer.validated_data), user)
    return (time.perf_counter() - started) * 1000, body["count"], backend


def profile_mix(mix, member_user):
    """Run ``mix`` once in this process; print the split of its time by shape;
    return the params and user of the query the engine took longest over."""
    timed = TimedClient(engine.client())
    engine._clients[conf.engine_url()] = timed
    rows = []
    try:
        for n, (params, with_token) in enumerate(mix):
            user = member_user if with_token else AnonymousUser()
            total, found, backend = _search_once(params, user)
            took, trip = timed.calls[-1] if backend == "opensearch" else (0, 0)
            rows.append((SHAPES[n % 10], total, trip, took, found, params, user))
    finally:
        engine._clients[conf.engine_url()] = timed.client
    print("profile, 1 client in process (ms: median / p95):", flush=True)
    print("  shape | whole search | engine took | round trip - took | Python | found")
    for shape in dict.fromkeys(SHAPES):
        mine = [row for row in rows if row[0] == shape]
        columns = [
            [total for _s, total, *_rest in mine],
            [took for _s, _t, _trip, took, *_rest in mine],
            [trip - took for _s, _t, trip, took, *_rest in mine],
            [total - trip for _s, total, trip, *_rest in mine],
        ]
        figures = " | ".join(f"{statistics.median(c):.1f} / {_p95(c):.1f}" for c in columns)
        found = statistics.median(row[4] for row in mine)
        print(f"  {shape} | {figures} | {found:.0f}", flush=True)
    slowest = max(rows, key=lambda row: row[3])
    return slowest[5], slowest[6]


def _nanos(part):
    return part["time_in_nanos"] / 1e6


def print_engine_profile(params, user):
    """OpenSearch's ``profile`` of one search, each of its two bodies (hits,
    facets): their top-level clauses, collectors, rescore and aggregations."""
    serializer = SearchQuerySerializer(data=params)
    serializer.is_valid(raise_exception=True)
    search_params = SearchParams.from_data(serializer.validated_data)
    branch_path = reader_branch_path(user)
    for name, build in (("hits", queries.build_search), ("facets", queries.build_facets)):
        body = build(search_params, branch_path)
        response = engine.client().search(
            index=conf.index_alias(), body={**body, "profile": True}, request_cache=False
        )
        (shard,) = response["profile"]["shards"]
        print(f"OpenSearch profile of {params}, {name} (took {response['took']} ms):", flush=True)
        for search in shard["searches"]:
            for query in search["query"]:
                print(f"  query {query['type']}: {_nanos(query):.1f} ms", flush=True)
                for child in query.get("children", []):
                    label = f"{child['type']} {child['description'][:80]}"
                    print(f"    {label}: {_nanos(child):.1f} ms")
            print(f"  collectors: {_nanos(search['collector'][0]):.1f} ms", flush=True)
            if "rewrite_time" in search:
                print(f"  rewrite: {search['rewrite_time'] / 1e6:.1f} ms", flush=True)
        for aggregation in shard["aggregations"]:
            print(f"  aggregation {aggregation['description']}: {_nanos(aggregation):.1f} ms")
