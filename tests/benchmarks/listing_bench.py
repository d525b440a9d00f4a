"""Reader listings on a cache miss, at city scale, beside stock Wagtail.

A script, not a test (pytest ignores tests/benchmarks/). On the database
DATABASE_URL names it migrates and seeds the city (`seed_demo --size city`,
skipped when its members are there), then serves the app with gunicorn
(cms.settings.benchmark: 2 workers, 127.0.0.1) and measures, for anonymous
and member callers, each reader listing: a district's news feed, its subtree,
each filter, page 50 by offset and by cursor. Every request carries its own
cache-busting `_=` (Wagtail's), so every one is rendered: no body cache.

- 1 client: p50 and p95 of --requests sequential requests (target p95 ≤ 50 ms);
- throughput: wrk, 32 connections, ours beside stock Wagtail's v2 listing of
  the same pages with its default fields (target ≥ 10x);
- EXPLAIN ANALYZE of each listing's queries (the plans with --plans);
- per-listing ETags: a publish in one district leaves another district's
  listing valid (304), and the 304 rate beside the rendered listing (≥ 3x);
- sync: a member's refresh after a day's changes (228 items city-wide), of all they
  may read and of their own feeds (`feed=mine`): gzip size (≤ 5 KB) and p95;
- memory: each gunicorn worker's resident size afterwards (≤ 250 MB).

    uv run bash scripts/test-services.sh uv run python tests/benchmarks/listing_bench.py
    # on an existing database, a smaller tree, quicker:
    DATABASE_URL=postgres://.../stdv_x uv run python tests/benchmarks/listing_bench.py \
        --size small --seconds 3 --requests 40
"""

import argparse
import datetime
import gzip
import http.client
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.benchmark"

from tests.benchmarks.api_load import (  # noqa: E402
    WRK_SCRIPT,
    ensure_wrk,
    free_port,
    load_content,
    run_wrk,
    serve,
)
from tests.benchmarks.common import create_database_if_missing, load_average  # noqa: E402

# Items published city-wide in the day a member syncs after: the archive's
# daily rate (250,000 items over three years), spread over the units as the
# demo archive spreads them (the city's committee and the districts publish most).
DAY_CHANGES = 228


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Client:
    """One keep-alive connection, as a phone's app holds: sequential requests."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        headers = {"Accept-Encoding": "gzip", **(headers or {})}
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # gunicorn closes a connection idle for 2 s (while wrk runs): reopen.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body

    def timed(self, path, headers, count, distinct=None):
        """p50 and p95 in ms of ``times()``."""
        times = self.times(path, headers, count, distinct)
        return statistics.median(times), percentile(times, 0.95)

    def times(self, path, headers, count, distinct=None):
        """Times in ms of ``count`` renders of ``path``, each made its own URL
        by ``distinct(path, n)`` (default: Wagtail's ``_=`` cache buster)."""
        times = []
        for n in range(count):
            separator = "&" if "?" in path else "?"
            url = distinct(path, n) if distinct else f"{path}{separator}_={time.time_ns()}{n}"
            started = time.perf_counter()
            status, _headers, _body = self.get(url, headers)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{url}: HTTP {status}")
        return times


def pick_places():
    """The busiest district by news, another district, a branch of the first
    with an active member, and that member's token."""
    from django.db.models import Count

    from api.models import ReaderToken
    from content_types.models import NewsIndexPage, PageAudience
    from editorial.models import Member, Unit, UnitLevel

    busiest = (
        PageAudience.objects.filter(page__content_type__model="newsarticle")
        .exclude(unit__level__in=[UnitLevel.PROVINCE])
        .values("unit_path")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    districts = []
    for row in busiest:
        district = Unit.objects.filter(path=row["unit_path"][:8]).first()
        if district and district not in districts and district.home_page_id:
            districts.append(district)
        if len(districts) == 2:
            break
    district, other = districts
    member = (
        Member.objects.active()
        .filter(branch__path__startswith=district.path)
        .select_related("user", "branch")
        .first()
    )
    _token, raw = ReaderToken.objects.issue(member.user, name="listing benchmark")
    news_index = NewsIndexPage.objects.filter(path__startswith=_home_path(district)).first()
    return district, other, member, raw, news_index


def _home_path(unit):
    from wagtail.models import Page

    return Page.objects.get(pk=unit.home_page_id).path


def listing_cases(district, news_index, cursor):
    """``(label, ours, stock)``: the same pages through our API and stock
    Wagtail's v2 listing with its default fields."""
    from wagtail.models import Page

    home = Page.objects.get(pk=district.home_page_id)
    news = "type=content_types.NewsArticle"
    documents = "type=content_types.PartyDocument"
    ours, stock = "/api/v2/pages/?", "/api/stock/v2/pages/?"
    feed = f"{news}&unit={district.pk}"
    stock_feed = f"{news}&child_of={news_index.pk}"
    tree = f"unit={district.pk}&subtree=true"
    doc_tree = f"{documents}&unit={district.pk}&subtree=true"
    stock_tree = f"descendant_of={home.pk}"
    stock_docs = f"{documents}&descendant_of={home.pk}"
    return [
        ("news feed of the district", ours + feed, stock + stock_feed),
        ("subtree, every type", ours + tree, stock + stock_tree),
        ("news subtree, category", ours + f"{news}&{tree}&category=province", stock + stock_feed),
        ("documents subtree", ours + doc_tree, stock + stock_docs),
        ("documents, document_type=NQ", ours + doc_tree + "&document_type=NQ", stock + stock_docs),
        ("documents, status=in_force", ours + doc_tree + "&status=in_force", stock + stock_docs),
        (
            "documents, issued in 2024",
            ours + doc_tree + "&date_from=2024-01-01&date_to=2024-12-31",
            stock + stock_docs,
        ),
        (
            "news subtree, page 50 by offset",
            ours + f"{news}&{tree}&offset=980",
            stock + f"{news}&{stock_tree}&offset=980",
        ),
        (
            "news subtree, page 50 by cursor",
            ours + f"{news}&{tree}&after={cursor}",
            stock + f"{news}&{stock_tree}&offset=980",
        ),
        ("all news, city-wide", ours + news, stock + news),
    ]


def cursor_at(client, district, headers, position=980):
    """The cursor that opens page 50 (items 981-1000) of the district's news."""
    path = (
        f"/api/v2/pages/?type=content_types.NewsArticle&unit={district.pk}&subtree=true"
        f"&offset={position - 20}"
    )
    _status, _headers, body = client.get(path, headers)
    body = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    cursor = json.loads(body)["meta"]["next"]
    if cursor is None:
        raise SystemExit(f"{district.code} and below have fewer than {position} news items")
    return cursor


def explain(path, headers, show_plans):
    """EXPLAIN ANALYZE of the queries one request of ``path`` runs, in this
    process: each query's execution time, and the plans with --plans."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    lines = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            if "$1" in sql:  # prepared (cms.prepared): its values are not in the log
                lines.append(f"    {'(prepared statement)':32s} {sql[:110]}")
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            took = next((line for line in plan if line.startswith("Execution Time")), "")
            lines.append(f"    {took:32s} {sql[:110]}")
            if show_plans:
                lines.extend(f"        {line}" for line in plan)
    return len(captured.captured_queries), lines


def publish_day(within, other, count):
    """``count`` news items published now by units at or below ``within``
    (none in ``other``, whose listing must stay valid), drawn with the demo
    archive's weights per level."""
    import random

    from django.utils import timezone

    from content_types.archive.demo import LEVEL_WEIGHTS
    from content_types.factories import publish_news
    from editorial.models import Unit

    units = list(
        Unit.objects.filter(home_page__isnull=False, path__startswith=within.path)
        .exclude(path__startswith=other.path)
        .order_by("path")
    )
    rng = random.Random(f"{within.path}:{count}")
    chosen = rng.choices(units, weights=[LEVEL_WEIGHTS[unit.level] for unit in units], k=count)
    now = timezone.now()
    for n, unit in enumerate(chosen):
        publish_news(unit, f"Tin trong ngày {now:%H%M%S} số {n}", lead="Tin mới trong ngày.")
    return len(chosen)


def worker_memory(master_pid):
    """Resident MB of each gunicorn worker (the master's children)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="city", help="seed_demo --size (idempotent)")
    parser.add_argument("--news", type=int, default=0, help="import news up to this many")
    parser.add_argument("--documents", type=int, default=0, help="import documents up to this")
    parser.add_argument("--seconds", type=int, default=5, help="wrk seconds per case")
    parser.add_argument("--requests", type=int, default=100, help="1-client requests per case")
    parser.add_argument("--plans", action="store_true", help="print every EXPLAIN ANALYZE plan")
    args = parser.parse_args()
    ensure_wrk()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    create_database_if_missing(connection)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    load_content(argparse.Namespace(tree=args.size, news=args.news, documents=args.documents))
    district, other, member, token, news_index = pick_places()
    member_headers = {"Authorization": f"Bearer {token}"}
    connection.close()

    folder = Path(tempfile.mkdtemp(prefix="listing-bench-"))
    script = folder / "bench.lua"
    script.write_text(WRK_SCRIPT.replace("NTHREADS", "2"))
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    server = serve(port, log)
    base = f"http://127.0.0.1:{port}"
    client = Client(port)
    print(
        f"district {district.code} (id {district.pk}), other district {other.code}, "
        f"member of {member.branch.code}; gunicorn log {log.name}\n",
        flush=True,
    )
    rows = []
    try:
        cursor = cursor_at(client, district, {})
        cases = listing_cases(district, news_index, cursor)
        callers = (("anonymous", {}), ("member", member_headers))
        # Every 1-client timing first: after a wrk run the workers still owe
        # the requests its 32 connections left queued, and a timing taken
        # then measures that queue, not the listing.
        heading = f"{'listing (uncached, 20 items)':32s} {'caller':9s}"
        print(f"{heading} {'1 client p50/p95/max ms':>24s}   ({load_average()})")
        latencies = {}
        for label, ours, _stock in cases:
            for caller, headers in callers:
                times = client.times(ours, headers, args.requests)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                latencies[label, caller] = p50, p95
                print(
                    f"{label:32s} {caller:9s} {p50:8.1f} / {p95:6.1f} / {max(times):6.1f}",
                    flush=True,
                )
        print(
            f"\n{heading} {'ours req/s':>10s} {'stock req/s':>11s} {'x':>6s}   ({load_average()})"
        )
        for label, ours, stock in cases:
            for caller, headers in callers:
                ours_rate = throughput(base, script, folder, ours, headers, args.seconds)
                stock_rate = throughput(base, script, folder, stock, {}, args.seconds)
                ratio = ours_rate / stock_rate if stock_rate else float("inf")
                p50, p95 = latencies[label, caller]
                rows.append((label, caller, p50, p95, ours_rate, stock_rate, ratio))
                print(
                    f"{label:32s} {caller:9s} {ours_rate:10.0f} {stock_rate:11.1f} {ratio:6.1f}",
                    flush=True,
                )
        report_targets(rows)
        print(f"({load_average()} at the end of the wrk runs)")
        print("\nEXPLAIN ANALYZE (one request each, anonymous then member):")
        for label, ours, _stock in cases:
            for caller, headers in callers:
                count, lines = explain(ours, headers, args.plans)
                print(f"  {label}, {caller}: {count} queries")
                print("\n".join(lines))
        etags(client, base, script, folder, district, other, args.seconds)
        sync(client, member_headers, args.requests, district, other)
    finally:
        sizes = worker_memory(server.pid)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        "\ngunicorn workers resident after the run: "
        + ", ".join(f"{size:.0f} MB" for size in sizes)
        + f" (target ≤ 250 MB each: {'met' if sizes and max(sizes) <= 250 else 'MISSED'})"
    )


def throughput(base, script, folder, path, headers, seconds):
    """Requests/s of ``path`` rendered every time (distinct ``_=``), 32 connections."""
    lines = folder / f"lines-{time.time_ns()}.txt"
    auth = headers.get("Authorization", "- ").split(" ", 1)[1] or "-"
    separator = "&" if "?" in path else "?"
    lines.write_text("".join(f"GET {path}{separator}_={n} {auth} -\n" for n in range(100_000)))
    figures = run_wrk(base, "/", script, seconds, lines, ("Accept-Encoding: gzip",))
    if set(figures["statuses"]) - {"200"}:
        raise SystemExit(f"{path}: statuses {figures['statuses']}")
    # The workers still owe the requests the 32 connections left queued; they
    # drain at the rate just measured. The next run must not pay for them
    # (after stock's city-wide news, 7 req/s, that was most of a 4 s run).
    time.sleep(max(1.0, 32 / max(figures["rps"], 1.0)))
    return figures["rps"]


def report_targets(rows):
    worst = max(rows, key=lambda row: row[3])
    weakest = min(rows, key=lambda row: row[6])
    print(
        f"\nworst 1-client p95: {worst[3]:.1f} ms ({worst[0]}, {worst[1]}; target ≤ 50 ms: "
        f"{'met' if worst[3] <= 50 else 'MISSED'})"
    )
    print(
        f"lowest ratio to stock: {weakest[6]:.1f}x ({weakest[0]}, {weakest[1]}; target ≥ 10x: "
        f"{'met' if weakest[6] >= 10 else 'MISSED'})"
    )


def etags(client, base, script, folder, district, other, seconds):
    """A publish in one district leaves the other's listing valid; 304 rate."""
    from django.db import connection

    other_path = f"/api/v2/pages/?type=content_types.NewsArticle&unit={other.pk}&subtree=true"
    this_path = f"/api/v2/pages/?type=content_types.NewsArticle&unit={district.pk}&subtree=true"
    _s, other_headers, _b = client.get(other_path)
    _s, this_headers, _b = client.get(this_path)
    publish_day(district, other, 1)
    connection.close()
    other_status = client.get(other_path, {"If-None-Match": other_headers["ETag"]})[0]
    this_status = client.get(this_path, {"If-None-Match": this_headers["ETag"]})[0]
    print(
        f"\nper-listing ETags after a publish in {district.code}: its subtree listing "
        f"{this_status} (must be 200), {other.code}'s {other_status} (must be 304)"
    )
    etag = client.get(other_path)[1]["ETag"]
    revalidated = run_wrk(
        base,
        other_path,
        script,
        seconds,
        None,
        ("Accept-Encoding: gzip", f"If-None-Match: {etag}"),
    )
    rendered = throughput(base, script, folder, other_path, {}, seconds)
    cached = run_wrk(base, other_path, script, seconds, None, ("Accept-Encoding: gzip",))
    print(
        f"304: {revalidated['rps']:.0f} req/s (p95 {revalidated['p95_ms']:.1f} ms); "
        f"rendered: {rendered:.0f} req/s -> {revalidated['rps'] / rendered:.1f}x (target ≥ 3x); "
        f"from the body cache: {cached['rps']:.0f} req/s "
        f"-> {revalidated['rps'] / cached['rps']:.1f}x"
    )


def sync(client, headers, requests, district, other):
    """A member's refresh after a day's changes: size and 1-client latency, of
    everything they may read and of their own feeds (``feed=mine``, what the
    reader app's refresh asks)."""
    from django.db import connection

    # A day's changes across the city.
    published = publish_day(district.get_root(), other, DAY_CHANGES)
    connection.close()
    day_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    print(f"\nsync after a day's changes ({published} items published city-wide):")
    for label, feed in (("everything the member may read", ""), ("feed=mine", "feed=mine&")):

        def since(moment, feed=feed):
            return f"/api/sync/?{feed}since={moment:%Y-%m-%dT%H:%M:%S}"

        _status, _headers, body = client.get(since(day_ago), headers)
        items = json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
        # Sync takes no cache buster: each request a second earlier (a new cursor).
        p50, p95 = client.timed(
            "",
            headers,
            requests,
            lambda _path, n, since=since: since(day_ago - datetime.timedelta(seconds=n)),
        )
        print(
            f"  {label}: {len(items['changed'])} items, {len(body) / 1024:.1f} KB gzip "
            f"(target ≤ 5 KB), 1 client p50 {p50:.1f} ms, p95 {p95:.1f} ms (target ≤ 50 ms)"
        )


if __name__ == "__main__":
    main()
