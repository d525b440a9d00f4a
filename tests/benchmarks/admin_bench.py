"""The admin at city scale: a district editor's explorer, the moderation report
and the study report, timed beside stock Wagtail's equivalents.

A script, not a test (pytest ignores tests/benchmarks/). Against the database
DATABASE_URL names (read only: sessions are signed cookies, and the sign-in
writes neither ``last_login`` nor an access log), Django's test client signs in as

- a district editor (the board editor of the district whose news list has the
  most items, or ``--district CODE``) and opens their page explorer: the
  district's home page and its news list (page 1, and page 20 of a list with
  thousands of items);
- the city's board head (or a superuser when the root has none) and opens the
  moderation report and the study report of the city root; the district
  editor opens the moderation report of their district;

and, beside each, the same page as a superuser in stock Wagtail where one
exists: the explorer (Wagtail's own view and row menus, without the project's
explorer changes: ``stock_explorer``; the database's indexes stay), and
Reports → Workflow tasks for the moderation report.
Each page is opened once after clearing the cache ("cold"), then --runs times
("warm", p50/p95), with its query count and its slowest query. ``--explain``
prints ``EXPLAIN ANALYZE`` of each page's slowest query.

    # DATABASE_URL: a database seeded with seed_demo --size city; no OPENSEARCH_URL
    DATABASE_URL=postgres://127.0.0.1/stdv_city uv run python tests/benchmarks/admin_bench.py
    ... tests/benchmarks/admin_bench.py --runs 20 --explain

``--prepare N`` first fills a scratch database (never the shared city one)
seeded with ``seed_demo --size province``: N news and documents imported with
``import_content --publish``, half of them in one district, 300 pages waiting
in moderation and study completions for a third of the members.
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.benchmark")  # DEBUG off
os.environ.pop("OPENSEARCH_URL", None)  # no writes to a search index from here


class SlowestQuery:
    """Counts the queries run inside it and keeps the slowest one."""

    def __init__(self):
        self.count = 0
        self.slowest = (0.0, "", None)

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            if elapsed > self.slowest[0] and not many:
                self.slowest = (elapsed, sql, params)


# The project's hooks that change how the explorer lists pages, not what it offers.
EXPLORER_HOOKS = ("construct_page_listing_buttons", "construct_explorer_page_queryset")


@contextmanager
def stock_explorer():
    """Wagtail's own explorer: its page viewset instead of ``editorial.explorer``'s,
    and none of the project's ``EXPLORER_HOOKS`` (their buttons stay)."""
    from wagtail import hooks
    from wagtail.admin.viewsets.pages import base_page_viewset, page_viewset_registry
    from wagtail.models import Page

    registries = (
        page_viewset_registry.values_by_class,
        page_viewset_registry.values_by_parent_model,
    )
    saved_viewsets = [registry[Page] for registry in registries]
    saved_hooks = {name: list(hooks._hooks.get(name, [])) for name in EXPLORER_HOOKS}
    for registry in registries:
        registry[Page] = base_page_viewset
    for name, registered in saved_hooks.items():
        hooks._hooks[name] = [
            (fn, order) for fn, order in registered if fn.__module__.startswith("wagtail")
        ]
    try:
        yield
    finally:
        for registry, viewset in zip(registries, saved_viewsets, strict=True):
            registry[Page] = viewset
        hooks._hooks.update(saved_hooks)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url, runs):
    """(cold seconds, [warm seconds], queries, slowest query, [warm CPU seconds])
    for one GET. The CPU time is this process's (Python and templates, not the
    database's): on a shared machine it moves less with the load than the wall time."""
    from django.core.cache import cache
    from django.db import connection

    timings, cpu, counter = [], [], None
    cache.clear()
    for _run in range(runs + 1):
        counter = SlowestQuery()
        with connection.execute_wrapper(counter):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
    return timings[0], timings[1:], counter.count, counter.slowest, cpu[1:]


def explain(slowest):
    from django.db import connection

    _seconds, sql, params = slowest
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def find_people(district_code):
    """The district editor, their district and its news list, the city's head,
    a superuser."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from content_types.models import NewsIndexPage
    from editorial.models import BoardMembership, BoardRole, Unit, UnitLevel

    districts = Unit.objects.filter(
        level=UnitLevel.DISTRICT,
        home_page__isnull=False,
        board__memberships__role=BoardRole.EDITOR,
        board__memberships__user__is_active=True,
    ).distinct()
    if district_code:
        districts = districts.filter(code=district_code)
    lists = {
        page.get_parent().pk: page
        for page in NewsIndexPage.objects.filter(
            depth=Page.objects.get(pk=districts.first().home_page_id).depth + 1
        ).order_by("-numchild")
    }
    district = max(
        districts, key=lambda unit: getattr(lists.get(unit.home_page_id), "numchild", -1)
    )
    editor = BoardMembership.objects.filter(
        board__unit=district, role=BoardRole.EDITOR, user__is_active=True
    ).first()
    if editor is None:
        raise SystemExit(f"no editor on the board of {district}")
    root = Unit.objects.get(depth=1)
    head = BoardMembership.objects.filter(
        board__unit=root, role=BoardRole.APPROVER, user__is_active=True
    ).first()
    superuser = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if superuser is None:
        raise SystemExit("no active superuser: the stock pages need one")
    return {
        "district": district,
        "news": lists[district.home_page_id],
        "editor": editor.user,
        "root": root,
        "head": head.user if head else superuser,
        "superuser": superuser,
    }


def sizes():
    from wagtail.models import Page, TaskState

    from content_types.models import ModuleCompletion
    from editorial.models import Member, Unit

    return {
        "units": Unit.objects.count(),
        "members": Member.objects.count(),
        "pages": Page.objects.count(),
        "waiting steps": TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count(),
        "completions": ModuleCompletion.objects.count(),
    }


def cases(people):
    from django.urls import reverse

    explore = "wagtailadmin_explore"
    home, news = people["district"].home_page_id, people["news"].pk
    district, root = people["district"], people["root"]
    return [
        # (name, user key, URL, stock user key, stock URL)
        ("explorer: district home", "editor", reverse(explore, args=[home]), "superuser", None),
        ("explorer: news list p1", "editor", reverse(explore, args=[news]), "superuser", None),
        (
            "explorer: news list p20",
            "editor",
            reverse(explore, args=[news]) + "?p=20",
            "superuser",
            None,
        ),
        (
            "moderation report: district",
            "editor",
            f"{reverse('moderation_report')}?unit={district.code}",
            "superuser",
            reverse("wagtailadmin_reports:workflow_tasks"),
        ),
        (
            "moderation report: city",
            "head",
            reverse("moderation_report"),
            "superuser",
            reverse("wagtailadmin_reports:workflow_tasks"),
        ),
        ("study report: city root", "head", f"{reverse('study_report')}?unit={root.code}", "", ""),
    ]


def report_line(label, cold, warm, queries, slowest, cpu):
    return (
        f"  {label:<34} cold {cold * 1000:7.0f} ms   p50 {statistics.median(warm) * 1000:6.0f} ms"
        f"   p95 {percentile(warm, 0.95) * 1000:6.0f} ms   {queries:4d} queries"
        f"   slowest {slowest[0] * 1000:5.0f} ms   CPU p50 {statistics.median(cpu) * 1000:4.0f} ms"
    )


def run(args):
    from django.conf import settings

    # Read only: sessions in signed cookies, no access log (django-axes) and
    # no last_login on sign-in.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.AXES_ENABLED = False
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in

    from cms.warmup import warm_up

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    people = find_people(args.district)
    print("data:", ", ".join(f"{count:,} {name}" for name, count in sizes().items()))
    # As a web worker starts (cms.wsgi): without it the first warm run paid the
    # full garbage collection of everything imported, 100 ms or more.
    warm_up()
    print(
        f"district {people['district'].code} ({people['district']}), "
        f"news list {people['news'].numchild:,} items; editor {people['editor']}, "
        f"city head {people['head']}, superuser {people['superuser']}; {args.runs} warm runs\n"
    )
    clients = {key: client_for(people[key]) for key in ("editor", "head", "superuser")}
    worst = {}
    for name, who, url, stock_who, stock_url in cases(people):
        print(f"{name}  ({who}: {url})")
        figures = measure(clients[who], url, args.runs)
        print(report_line(f"ours, as {who}", *figures))
        worst[name] = percentile(figures[1], 0.95)
        if stock_who:
            with stock_explorer() if stock_url is None else nullcontext():
                stock = measure(clients[stock_who], stock_url or url, args.runs)
            label = "stock explorer, superuser" if stock_url is None else "stock workflow tasks"
            print(report_line(label, *stock))
        if args.explain:
            print(f"    slowest query ({figures[3][0] * 1000:.0f} ms):")
            print(explain(figures[3]))
        print()
    over = [name for name, seconds in worst.items() if seconds > args.budget / 1000]
    print(f"budget {args.budget:.0f} ms (p95): " + (f"over: {', '.join(over)}" if over else "met"))
    return 1 if over else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="warm runs per page (default 10)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    parser.add_argument("--district", help="the district's code (default: the most news)")
    parser.add_argument("--budget", type=float, default=300, help="p95 ms (default 300)")
    parser.add_argument("--prepare", type=int, metavar="N", help="fill a scratch database first")
    args = parser.parse_args()

    import django

    django.setup()
    if args.prepare:
        from tests.benchmarks.admin_bench_data import prepare

        prepare(args.prepare)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
