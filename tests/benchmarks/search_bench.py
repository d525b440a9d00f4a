"""Archive search benchmark: latency of /api/search/ and the rebuild rate,
against the stock Wagtail way on the same pages.

A script, not a test (pytest ignores tests/benchmarks/). On the database that
DATABASE_URL names and the engine OPENSEARCH_URL names (both started by
scripts/test-services.sh), it:

1. seeds a small unit tree and imports --db-items generated news and documents
   with ``import_content --publish``: Vietnamese-like text of 6,000 syllables
   drawn by Zipf's law (the party's words among the commonest), document
   numbers, PDF attachments on one in twenty documents;
2. rebuilds the database records only, prints ``EXPLAIN ANALYZE`` of the
   fallback's main query for three queries of the mix (PostgreSQL), and
   times a mix of 200 queries on the database fallback, at 1 and 16
   concurrent clients (``--database-only`` stops here: no engine needed);
3. imports the rest up to --items, runs ``rebuild_search_index`` (real pages ->
   records -> bulk into a new index -> alias swap) and prints its rate;
4. times the same mix on OpenSearch at 1 and 16 clients, and 200 prefixes
   (the first words of a title and part of the next) on the autocomplete;
5. runs the stock Wagtail way on the same pages: ``update_index`` into
   Wagtail's OpenSearch back end, and ``Page.objects.live().search(q)``.

The API is served by gunicorn (production settings, 4 workers) on 127.0.0.1
and queried over HTTP. Queries: topical words with and without diacritics,
two words of a title in quotes, document numbers typed four ways, a number
alone, and filters; a quarter are sent with a member's Bearer token. Before
timing a back end, other queries of the same shapes run for --warm-up seconds
(the first 200 of them are timed and printed as the cold figure). A re-run
on the same database imports only what is missing (and then skips step 2).

    OPENSEARCH_HEAP=2g uv run bash scripts/test-services.sh \
        uv run python tests/benchmarks/search_bench.py
    # smaller
    uv run bash scripts/test-services.sh uv run python tests/benchmarks/search_bench.py \
        --items 20000 --db-items 5000
    # the database fallback alone (PostgreSQL only, no engine)
    DATABASE_URL=postgres://.../stdv_search_bench uv run python \
        tests/benchmarks/search_bench.py --db-items 20000 --database-only

``--existing`` runs against an archive seeded beforehand, such as the city
(``seed_demo --size city``, whose search records the seed writes): no
seeding, no import, no database rebuild. The queries of the same shapes are
drawn from its records (``search_sample``): words running on from a place in
a title or text, its document numbers, units, years and document types, and
an active member's token. ``--skip-database``, ``--skip-rebuild`` (search
the index an earlier run loaded) and ``--no-stock`` leave a phase out; each
figure is printed with the load average. ``--profile`` splits each query's
time between the engine and Python, by query shape (``search_profile``).

    DATABASE_URL=postgres://.../stdv_citysearch SEARCH_INDEX=stdv_citysearch \
        OPENSEARCH_URL=http://127.0.0.1:9200 uv run python \
        tests/benchmarks/search_bench.py --existing --target-p95 100
"""

import argparse
import io
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from tests.benchmarks.common import create_database_if_missing, load_average  # noqa: E402
from tests.benchmarks.search_archives import (  # noqa: E402
    SUGGEST,
    ExistingArchive,
    SeededArchive,
)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_mix(base_url, mix, token, clients, path="/api/search/"):
    def one(item):
        params, with_token = item
        request = urllib.request.Request(f"{base_url}{path}?{urllib.parse.urlencode(params)}")
        if with_token:
            request.add_header("Authorization", f"Bearer {token}")
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
            backend = response.headers["X-Search-Backend"]
        found = body["count"] if "count" in body else len(body["results"])
        return (time.perf_counter() - started) * 1000, found, backend

    one(mix[0])  # warm up
    return time_mix(one, mix, clients)


def time_mix(one, mix, clients):
    """Run ``one(item) -> (ms, results found, back end)`` over ``mix`` from
    ``clients`` threads; return the figures ``report`` prints."""
    with ThreadPoolExecutor(clients) as pool:
        started = time.perf_counter()
        results = list(pool.map(one, mix))
        wall = time.perf_counter() - started
    latencies = [ms for ms, _count, _backend in results]
    backends = {backend for _ms, _count, backend in results}
    hits = sum(1 for _ms, count, _backend in results if count)
    found = [count for _ms, count, _backend in results]
    return {
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "mean": statistics.mean(latencies),
        "qps": len(mix) / wall,
        "backends": ",".join(sorted(backends)),
        "with_results": hits,
        "median_found": statistics.median(found),
        "queries": len(mix),
    }


class Server:
    """gunicorn serving the project on a free port, with or without the engine."""

    def __init__(self, engine_url):
        import socket

        from django.conf import settings

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            # Reader tokens are keyed with SECRET_KEY: the server must use the
            # key the benchmark issued its token under.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("OPENSEARCH_URL", None)
        if engine_url:
            env["OPENSEARCH_URL"] = engine_url
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi",
                "--workers",
                os.environ.get("BENCH_WORKERS", "4"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/api/search/?q=x", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(20)


def stock_wagtail(engine_url, mix, warm_up, warm_up_seconds):
    """The stock Wagtail way on the same pages: ``update_index`` into Wagtail's
    OpenSearch back end, then ``Page.objects.live().search(q)[:20]`` for each
    query of the mix, in this process. It has no audience, facets, snippets,
    folding or number handling, so it does less per query than /api/search/."""
    import re

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Page

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": [engine_url],
            "INDEX_PREFIX": "stdv_bench_wagtail_",
            "TIMEOUT": 60,
        }
    }
    out = io.StringIO()
    started = time.perf_counter()
    call_command("update_index", stdout=out)
    seconds = time.perf_counter() - started
    objects = sum(int(n) for n in re.findall(r"indexed (\d+) objects", out.getvalue()))
    report_load(
        f"stock update_index (Wagtail's OpenSearch back end, every indexed model): {objects} "
        f"objects in {seconds:.0f} s = {objects / seconds:.0f} objects/s"
    )

    def one(item):
        params, _with_token = item
        started = time.perf_counter()
        titles = [page.title for page in Page.objects.live().search(params["q"])[:20]]
        connection.close()
        return (time.perf_counter() - started) * 1000, len(titles), "wagtail"

    # The same warm-up as /api/search/ had: other queries for as long.
    keep_running(warm_up_seconds, lambda: time_mix(one, warm_up, 16))
    for clients in (1, 16):
        report(
            f"stock Page.objects.live().search(q)[:20], {clients} clients",
            time_mix(one, mix, clients),
        )


def explain_fallback(mix, count=3):
    """Print ``EXPLAIN ANALYZE`` of the database fallback's main query (the
    one read for count, facets and the first records by rank:
    ``database.scan_query``) for the first ``count`` word queries of the mix,
    as an anonymous reader, with the blocks it read."""
    from django.db import connection

    from search.database import scan_query
    from search.params import SearchParams
    from search.text import parse_query

    queries = [params["q"] for params, _token in mix if len(params) == 1][:count]
    for q in queries:
        sql, values = scan_query(SearchParams(parsed=parse_query(q), locale="vi"), None)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", values)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"EXPLAIN ANALYZE, database fallback, q={q!r}:\n{plan}", flush=True)


def keep_running(seconds, run):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run()


def warm_up_server(server, warm_up, token, seconds, label):
    """Time the first queries a fresh node answers, then keep queries of the
    same shapes (not the measured ones) running until ``seconds`` have passed:
    the JVM compiles its hot paths and the caches fill in that time."""
    report(
        f"{label}, first 200 queries after start, 16 clients",
        run_mix(server.url, warm_up, token, 16),
    )
    keep_running(seconds, lambda: run_mix(server.url, warm_up, token, 16))


def report_load(line):
    """Print ``line`` with the load average now: timings on a shared machine need it."""
    print(f"{line}; {load_average()}", flush=True)


def report(label, stats):
    report_load(
        f"{label}: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms, mean "
        f"{stats['mean']:.1f} ms, {stats['qps']:.0f} req/s, backend {stats['backends']}, "
        f"{stats['with_results']}/{stats['queries']} queries with results "
        f"(median {stats['median_found']:.0f} found)"
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db-items", type=int, default=20_000)
    parser.add_argument("--target-p95", type=float, default=150.0)
    parser.add_argument("--target-rate", type=float, default=500.0)
    parser.add_argument("--warm-up", type=float, default=60.0, help="seconds per back end")
    parser.add_argument(
        "--database-only",
        action="store_true",
        help="stop after the database fallback phase (PostgreSQL only, no engine needed)",
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="the archive already in the database (e.g. the city): no seeding, no import; "
        "queries drawn from its records",
    )
    parser.add_argument("--skip-database", action="store_true", help="no database fallback phase")
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="search the index a previous rebuild loaded behind SEARCH_INDEX",
    )
    parser.add_argument("--no-stock", action="store_true", help="no stock Wagtail phase")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after timing OpenSearch, split each query's time (engine, round trip, "
        "Python) and print the engine's profile of the slowest (search_profile)",
    )
    return parser.parse_args()


def database_phase(archive, args, mix, warm_up, suggestions):
    from django.db import connection

    from search.models import SearchRecord
    from search.rebuild import rebuild

    if args.existing:
        records = SearchRecord.objects.count()
        print(f"database records: {records}, as the seed wrote them", flush=True)
    else:
        db_report = rebuild(use_engine=False)
        records = db_report.records
        print(f"database records: {records} in {db_report.seconds:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        explain_fallback(mix)
    server = Server(None)
    try:
        warm_up_server(server, warm_up, archive.token, args.warm_up, "database fallback")
        for clients in (1, 16):
            report(
                f"database fallback, {records} items, {clients} clients",
                run_mix(server.url, mix, archive.token, clients),
            )
        for clients in (1, 16):
            report(
                f"database fallback suggest, {clients} clients",
                run_mix(server.url, suggestions, archive.token, clients, SUGGEST),
            )
    finally:
        server.stop()


def rebuild_phase(args):
    """Run ``rebuild_search_index``; return whether its rate met the target."""
    from django.core.management import call_command

    from search.models import SearchRecord

    started = time.perf_counter()
    call_command("rebuild_search_index", verbosity=0, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    total = SearchRecord.objects.count()
    rate = total / seconds
    report_load(
        f"rebuild_search_index (pages -> records -> new index -> alias swap): {total} items "
        f"in {seconds:.0f} s = {rate:.0f} items/s (target {args.target_rate:.0f})"
    )
    return rate >= args.target_rate


def engine_phase(archive, args, engine_url, mix, warm_up, suggestions):
    """Time the mixes on OpenSearch; return whether the 16-client p95 met the target."""
    from search.models import SearchRecord

    total = SearchRecord.objects.count()
    server = Server(engine_url)
    met = True
    try:
        warm_up_server(server, warm_up, archive.token, args.warm_up, "OpenSearch")
        for clients in (1, 16):
            stats = run_mix(server.url, mix, archive.token, clients)
            report(f"OpenSearch, {total} items, {clients} clients", stats)
            if clients == 16 and stats["p95"] > args.target_p95:
                met = False
        for clients in (1, 16):
            report(
                f"OpenSearch suggest, {clients} clients",
                run_mix(server.url, suggestions, archive.token, clients, SUGGEST),
            )
    finally:
        server.stop()
    return met


def main():
    args = parse_args()
    # The import runs with Wagtail's database search backend, as in the import
    # benchmark; archive search gets the engine explicitly below.
    engine_url = os.environ.pop("OPENSEARCH_URL", None)
    if not engine_url and not args.database_only:
        sys.exit("OPENSEARCH_URL is not set: run through scripts/test-services.sh")

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    logging.getLogger("opensearch").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    if not args.existing:
        create_database_if_missing(connection)
    # The server runs production settings: without REDIS_URL their cache is a table.
    call_command("createcachetable", "cache_table", verbosity=0)
    rng = random.Random(7)
    archive = ExistingArchive(rng) if args.existing else SeededArchive(rng)

    # Database fallback at --db-items (skipped when a re-run finds more)
    settings.SEARCH_ENGINE_URL = None
    skip_database = args.skip_database or (
        not args.existing and SeededArchive.size() > args.db_items
    )
    archive.import_up_to(args.db_items)
    mix, warm_up, suggestions = archive.mixes()
    if skip_database:
        print("database fallback: skipped (--skip-database, or more items already)", flush=True)
    else:
        database_phase(archive, args, mix, warm_up, suggestions)
    if args.database_only:
        return

    # OpenSearch at --items
    archive.import_up_to(args.items)
    settings.SEARCH_ENGINE_URL = engine_url
    settings.SEARCH_INDEX = os.environ.get("SEARCH_INDEX", "stdv_archive")
    met = True
    if args.skip_rebuild:
        print(f"rebuild_search_index: skipped, searching {settings.SEARCH_INDEX}", flush=True)
    else:
        met = rebuild_phase(args)
    met = engine_phase(archive, args, engine_url, mix, warm_up, suggestions) and met
    if args.profile:
        from tests.benchmarks.search_profile import print_engine_profile, profile_mix

        print_engine_profile(*profile_mix(mix, archive.user))
    if args.no_stock:
        print("stock Wagtail: skipped (--no-stock)", flush=True)
    else:
        stock_wagtail(engine_url, mix, warm_up, args.warm_up)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
