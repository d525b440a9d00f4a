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
"""

import argparse
import io
import itertools
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from tests.benchmarks.common import create_database_if_missing  # noqa: E402
from tests.benchmarks.import_content import (  # noqa: E402
    WORDS,
    ItemMaker,
    import_file,
    write_jsonl,
)

FOLD = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


ONSETS = "- b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x"
RHYMES = (
    "a ai am an ang anh ao au ay ăm ăn ăng âm ân âng âu ây e em en eo ê êm ên ênh êu i im in "
    "inh iu o oa oai oan oang oanh oi om on ong ô ôi ôm ôn ông ơ ơi ơm ơn u ui um un ung uy "
    "uyên ư ưa ưng ươi ương ươn iêm iên iêng iêu uôi uôn uông"
)
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def _syllable(onset, rhyme, tone):
    # The tone mark goes on the rhyme's last vowel before a final consonant, near enough.
    vowels = [i for i, char in enumerate(rhyme) if char in "aăâeêioôơuưy"]
    at = vowels[-1] if len(vowels) == 1 or rhyme[-1] not in "aăâeêioôơuưy" else vowels[-2]
    return unicodedata.normalize("NFC", onset + rhyme[: at + 1] + tone + rhyme[at + 1 :])


class Vocabulary:
    """Vietnamese-like text: 6,000 syllables drawn by Zipf's law, with the
    party's own words among the most frequent, so that a common word is in
    most items and a rarer one in a few percent of them, as in a real archive
    (the import benchmark's 60 words put every word in every item)."""

    size = 6000

    def __init__(self, rng):
        made = {
            _syllable(onset.strip("-"), rhyme, tone)
            for onset in ONSETS.split()
            for rhyme in RHYMES.split()
            for tone in TONES
        }
        made -= set(WORDS)
        synthetic = sorted(made)
        rng.shuffle(synthetic)
        ranked = synthetic[: self.size - len(WORDS)]
        # The domain words take ranks 5, 10, 15, ... 300.
        for n, word in enumerate(WORDS):
            ranked.insert(5 * (n + 1), word)
        self.ranked = ranked
        self.cumulative = list(
            itertools.accumulate(1 / rank for rank in range(1, len(ranked) + 1))
        )
        self.rng = rng

    def words(self, count):
        return " ".join(self.rng.choices(self.ranked, cum_weights=self.cumulative, k=count))

    def query_words(self, count):
        """What a member types: topical words (ranks 20 to 2,000), not the commonest."""
        return " ".join(self.rng.choice(self.ranked[20:2000]) for _ in range(count))


class ArchiveItemMaker(ItemMaker):
    def __init__(self, *args, vocabulary, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary

    def words(self, count):
        return self.vocabulary.words(count)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def query_mix(numbers, titles, units, vocabulary, rng, size=200):
    """200 realistic requests as (params, with_token)."""
    mix = []
    for n in range(size):
        shape = n % 10
        words = vocabulary.query_words(rng.choice([1, 2, 2, 3]))
        if shape in (0, 1, 2):
            params = {"q": words}
        elif shape in (3, 4):
            params = {"q": words.translate(FOLD)}
        elif shape == 5:
            # Two words a member remembers from a title, in quotes.
            title = rng.choice(titles).split(" (")[0].split()
            start = rng.randrange(len(title) - 1)
            params = {"q": f'"{" ".join(title[start : start + 2]).lower()}"'}
        elif shape == 6:
            number = rng.choice(numbers)
            value, rest = number.split("-", 1)
            kind, issuer = rest.split("/", 1)
            params = {
                "q": rng.choice(
                    [
                        number,
                        f"{value}/{kind}",
                        f"{value} {kind.lower()} {issuer.lower()}",
                        f"{kind}/{issuer} {value}",
                    ]
                )
            }
        elif shape == 7:
            params = {"q": rng.choice(numbers).split("-")[0]}
        elif shape == 8:
            params = {
                "q": words,
                "kind": "document",
                "document_type": rng.choice(["NQ", "KH", "BC"]),
            }
        else:
            params = {
                "q": words.translate(FOLD),
                "unit": rng.choice(units),
                "include_subunits": "true",
                "year": rng.choice([2021, 2022, 2023, 2024]),
            }
        mix.append((params, n % 4 == 0))
    return mix


SUGGEST = "/api/search/suggest/"


def suggest_mix(titles, rng, size=200):
    """What a member has typed when autocomplete answers: the first words of a
    title and part of the next, with or without diacritics."""
    mix = []
    for n in range(size):
        words = titles[n % len(titles)].split(" (")[0].lower().split()
        whole = rng.randrange(0, 3)
        typed = " ".join([*words[:whole], words[whole][: rng.randrange(1, 4)]])
        mix.append(({"q": typed.translate(FOLD) if n % 2 else typed}, n % 4 == 0))
    return mix


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
    return {
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "mean": statistics.mean(latencies),
        "qps": len(mix) / wall,
        "backends": ",".join(sorted(backends)),
        "with_results": hits,
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
    print(
        f"stock update_index (Wagtail's OpenSearch back end, every indexed model): {objects} "
        f"objects in {seconds:.0f} s = {objects / seconds:.0f} objects/s",
        flush=True,
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
    one scan for count, facets and rank) for the first ``count`` word queries
    of the mix, as an anonymous reader: on PostgreSQL the plan should show
    the word index (``Bitmap Index Scan on search_record_folded_words``)."""
    from search.database import matching
    from search.params import SearchParams
    from search.text import parse_query

    queries = [params["q"] for params, _token in mix if len(params) == 1][:count]
    for q in queries:
        params = SearchParams(parsed=parse_query(q), locale="vi")
        plan = matching(params, None).explain(analyze=True)
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


def report(label, stats):
    print(
        f"{label}: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms, mean "
        f"{stats['mean']:.1f} ms, {stats['qps']:.0f} req/s, backend {stats['backends']}, "
        f"{stats['with_results']}/{stats['queries']} queries with results",
        flush=True,
    )


def main():
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
    args = parser.parse_args()

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
    from django.db.models import Max
    from wagtail.models import Page

    from api.models import ReaderToken
    from content_types.models import NewsArticle, PartyDocument
    from editorial.models import Member, Unit
    from search.models import SearchRecord
    from search.rebuild import rebuild

    create_database_if_missing(connection)
    call_command("migrate", verbosity=0)
    # The server runs production settings: without REDIS_URL their cache is a table.
    call_command("createcachetable", "cache_table", verbosity=0)
    call_command("seed_demo", size="small", no_progress=True, stdout=io.StringIO())
    units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
    member = Member.objects.active().select_related("user").first()
    _token, raw_token = ReaderToken.objects.issue(member.user, name="search benchmark")
    folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
    highest = PartyDocument.objects.aggregate(highest=Max("number_value"))["highest"] or 0
    rng = random.Random(7)
    vocabulary = Vocabulary(random.Random(11))
    maker = ArchiveItemMaker(
        units, folder, run=int(time.time()), first_number=highest + 1, vocabulary=vocabulary
    )

    def archive_size():
        return sum(
            model.objects.filter(live=True, alias_of__isnull=True).count()
            for model in (NewsArticle, PartyDocument)
        )

    def import_up_to(total):
        # A re-run on the same database imports only what is missing.
        start = archive_size()
        if start >= total:
            print(f"{start} items already imported", flush=True)
            return
        path = folder / f"items-{start}.jsonl"
        write_jsonl(path, (maker.make(n) for n in range(start, total)))
        seconds, _queries = import_file(path, f"import_content --publish, {total - start} items")
        print(f"imported {total - start} items in {seconds:.0f} s", flush=True)

    def sample(queryset, field, count=100):
        values = list(queryset.order_by("pk").values_list(field, flat=True))
        return rng.sample(values, min(count, len(values)))

    # Database fallback at --db-items (skipped when a re-run finds more)
    settings.SEARCH_ENGINE_URL = None
    skip_database = archive_size() > args.db_items
    import_up_to(args.db_items)
    numbers = sample(PartyDocument.objects.filter(live=True), "number")
    titles = sample(Page.objects.type(NewsArticle, PartyDocument).live(), "title")
    mix = query_mix(numbers, titles, [u.pk for u in units], vocabulary, rng)
    # Other queries of the same shapes, run before timing: a fresh node compiles
    # its hot paths and loads its caches in its first minute of traffic.
    warm_up = query_mix(numbers, titles, [u.pk for u in units], vocabulary, random.Random(99))
    suggestions = suggest_mix(titles, rng)
    if skip_database:
        print("database fallback: skipped, the database already holds more items", flush=True)
    else:
        db_report = rebuild(use_engine=False)
        print(f"database records: {db_report.records} in {db_report.seconds:.0f} s", flush=True)
        if connection.vendor == "postgresql":
            explain_fallback(mix)
        server = Server(None)
        try:
            warm_up_server(server, warm_up, raw_token, args.warm_up, "database fallback")
            for clients in (1, 16):
                report(
                    f"database fallback, {db_report.records} items, {clients} clients",
                    run_mix(server.url, mix, raw_token, clients),
                )
            for clients in (1, 16):
                report(
                    f"database fallback suggest, {clients} clients",
                    run_mix(server.url, suggestions, raw_token, clients, SUGGEST),
                )
        finally:
            server.stop()
    if args.database_only:
        return

    # OpenSearch at --items
    import_up_to(args.items)
    settings.SEARCH_ENGINE_URL = engine_url
    settings.SEARCH_INDEX = os.environ.get("SEARCH_INDEX", "stdv_archive")
    started = time.perf_counter()
    call_command("rebuild_search_index", verbosity=0, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    total = SearchRecord.objects.count()
    rate = total / seconds
    print(
        f"rebuild_search_index (pages -> records -> new index -> alias swap): {total} items "
        f"in {seconds:.0f} s = {rate:.0f} items/s (target {args.target_rate:.0f})",
        flush=True,
    )
    server = Server(engine_url)
    failed = rate < args.target_rate
    try:
        warm_up_server(server, warm_up, raw_token, args.warm_up, "OpenSearch")
        for clients in (1, 16):
            stats = run_mix(server.url, mix, raw_token, clients)
            report(f"OpenSearch, {total} items, {clients} clients", stats)
            if clients == 16 and stats["p95"] > args.target_p95:
                failed = True
        for clients in (1, 16):
            report(
                f"OpenSearch suggest, {clients} clients",
                run_mix(server.url, suggestions, raw_token, clients, SUGGEST),
            )
    finally:
        server.stop()
    stock_wagtail(engine_url, mix, warm_up, args.warm_up)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
