"""Time `import_content --publish` on 10,000 items against stock Wagtail.

A script, not a test (pytest ignores tests/benchmarks/). On the database
DATABASE_URL names it migrates, seeds a unit tree (`seed_demo`, idempotent),
writes a JSONL file of 10,000 items (news and documents, some with attached
PDFs, spread over every unit with a home page), imports it with --publish and
prints the rate, the time and the queries per item; then it re-runs the same
file (nothing changes) and a copy with every summary changed (10,000
updates), and finally adds a sample of 500 items the stock way
(`add_child` + `save_revision().publish()` per page) for comparison. Tasks
are queued, not run, while timing (as with a worker); the queued indexing is
then run and timed on its own. Exits with status 1 below --target items/s.

    # a throwaway PostgreSQL (the province seed takes about 5 minutes)
    uv run bash scripts/test-services.sh uv run python tests/benchmarks/import_content.py
    # a smaller tree (11 units with home pages)
    uv run bash scripts/test-services.sh uv run python tests/benchmarks/import_content.py \
        --tree small
"""

import argparse
import datetime
import io
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from tests.benchmarks.common import create_database_if_missing

QUEUED_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

TEXT = (
    "đảng bộ chi bộ nghị quyết hội nghị quán triệt triển khai thực hiện kế hoạch công tác "
    "kiểm tra giám sát đảng viên cấp ủy nhiệm kỳ chuyển đổi số xây dựng chỉnh đốn phong trào "
    "thi đua học tập làm theo tư tưởng đạo đức phong cách Hồ Chí Minh tỉnh huyện xã phường "
    "năm tháng kết quả đánh giá tổ chức cơ sở vững mạnh an sinh xã hội nông thôn mới"
)
WORDS = TEXT.split(" ")
DOCUMENT_TYPES = ["NQ", "CT", "KL", "KH", "BC", "HD", "TB", "CV"]
AUDIENCES = ["public", "public", "members", "unit"]


class ItemMaker:
    """Realistic archive lines: ~1.5 kB bodies, HTML news, plain-text documents."""

    def __init__(self, units, folder, run, first_number=1):
        from tests.content_types.test_documents import make_pdf  # after django.setup()

        self.make_pdf = make_pdf
        self.units = units
        self.run = run  # keeps titles, addresses and numbers new on a re-used database
        self.rng = random.Random(run)
        self.first_number = first_number
        self.numbers = Counter()
        self.attachments = []
        for n in range(20):
            name = f"files/van-ban-{n:02d}.pdf"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(self.make_pdf(f"Archive document {n}"))
            self.attachments.append(name)

    def words(self, count):
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def make(self, n):
        unit = self.units[n % len(self.units)]
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=self.rng.randrange(1800))
        title = f"{self.words(8).capitalize()} ({self.run}-{n})"
        if n % 5 < 3:
            paragraphs = "".join(f"<p>{self.words(40)}.</p>" for _ in range(6))
            return {
                "kind": "news",
                "unit": unit.code,
                "title": title,
                "summary": self.words(30).capitalize() + ".",
                "body": f"<div>{paragraphs}<p><b>{self.words(5)}</b></p></div>",
                "audience": self.rng.choice(AUDIENCES),
                "source_url": f"https://baothainguyen.vn/tin-{self.run}-{n}.html"
                if n % 2
                else None,
                "published_at": f"{day.isoformat()}T08:00:00+07:00",
            }
        document_type = self.rng.choice(DOCUMENT_TYPES)
        key = (document_type, unit.short_name, day.year)
        number = self.first_number + self.numbers[key]
        self.numbers[key] += 1
        line = {
            "kind": "document",
            "unit": unit.code,
            "title": title,
            "number": f"{number}-{document_type}/{unit.short_name}",
            "document_type": document_type,
            "issued_on": day.isoformat(),
            "status": "in_force",
            "signer": "Nguyễn Văn An, Bí thư",
            "summary": self.words(30).capitalize() + ".",
            "body": "\n\n".join(self.words(40) for _ in range(6)),
            "audience": self.rng.choice(AUDIENCES),
        }
        if n % 20 == 3:
            line["attachments"] = [self.rng.choice(self.attachments)]
        return line


def write_jsonl(path, lines):
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            clean = {key: value for key, value in line.items() if value is not None}
            out.write(json.dumps(clean, ensure_ascii=False) + "\n")


class QueryCounter:
    """Counts the queries run inside it (without keeping them, unlike
    CaptureQueriesContext, which stops at 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def import_file(path, label):
    """Run the command with queued tasks; return (seconds, queries)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    out = io.StringIO()
    with override_settings(TASKS=QUEUED_TASKS), QueryCounter() as queries:
        started = time.perf_counter()
        call_command("import_content", str(path), publish=True, stdout=out, progress=False)
        seconds = time.perf_counter() - started
    print(f"\n== {label}")
    print(out.getvalue().rstrip())
    return seconds, queries.count


def run_queued_indexing(page_ids):
    from content_types.tasks import index_pages

    started = time.perf_counter()
    index_pages.call(page_ids)
    return time.perf_counter() - started


def stock_import(lines, folder):
    """The way a page is made in the admin, one at a time, tasks queued."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils.dateparse import parse_datetime
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    from content_types.archive.bodies import body_html
    from content_types.models import (
        DocumentAttachment,
        DocumentIndexPage,
        NewsArticle,
        NewsIndexPage,
        PartyDocument,
    )
    from editorial.models import Unit

    units = {unit.code: unit for unit in Unit.objects.filter(home_page__isnull=False)}
    listings = {}
    for code, unit in units.items():
        home = Page.objects.get(pk=unit.home_page_id)
        listings[(code, "news")] = NewsIndexPage.objects.child_of(home).get().pk
        listings[(code, "document")] = DocumentIndexPage.objects.child_of(home).get().pk
    Document = get_document_model()
    with override_settings(TASKS=QUEUED_TASKS), QueryCounter() as queries:
        started = time.perf_counter()
        for line in lines:
            with transaction.atomic():
                parent = Page.objects.get(pk=listings[(line["unit"], line["kind"])])
                body = [("paragraph", body_html(line["body"]))]
                published = parse_datetime(line.get("published_at") or "") or None
                if line["kind"] == "news":
                    page = NewsArticle(
                        title=line["title"],
                        lead=line["summary"],
                        body=[{"type": "paragraph", "value": body[0][1]}],
                        date=published.date(),
                        source_url=line.get("source_url") or "",
                        source_name="baothainguyen.vn" if line.get("source_url") else "",
                        audience=line["audience"],
                    )
                else:
                    page = PartyDocument(
                        title=line["title"],
                        number=line["number"],
                        document_type=line["document_type"],
                        issued_on=datetime.date.fromisoformat(line["issued_on"]),
                        signer=line["signer"],
                        summary=line["summary"],
                        body=[{"type": "paragraph", "value": body[0][1]}],
                        audience=line["audience"],
                    )
                    for name in line.get("attachments", []):
                        content = (folder / name).read_bytes()
                        document = Document.objects.create(
                            title=Path(name).stem, file=ContentFile(content, name=Path(name).name)
                        )
                        page.attachments.add(DocumentAttachment(document=document))
                parent.add_child(instance=page)
                page.save_revision().publish()
        seconds = time.perf_counter() - started
    return seconds, queries.count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", choices=["province", "small"], default="province")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--stock", type=int, default=500, help="items added the stock way")
    parser.add_argument("--target", type=float, default=100, help="items/s (default: 100)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    # Timed as in production: dev settings turn DEBUG on, which logs every query.
    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from wagtail.models import Page

    from content_types.models import NewsArticle, PartyDocument
    from editorial.models import Unit

    create_database_if_missing(connection)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", size=args.tree, no_progress=True, stdout=io.StringIO())
    units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
    print(
        f"seed_demo --size {args.tree}: {time.perf_counter() - started:.1f}s, "
        f"{len(units)} units with home pages; {Page.objects.count()} pages already",
        flush=True,
    )

    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    highest = PartyDocument.objects.aggregate(highest=Max("number_value"))["highest"] or 0
    maker = ItemMaker(units, folder, run=int(time.time()), first_number=highest + 1)
    lines = [maker.make(n) for n in range(args.items + args.stock)]
    bulk_lines, stock_lines = lines[: args.items], lines[args.items :]
    path = folder / "archive.jsonl"
    write_jsonl(path, bulk_lines)
    kinds = Counter(line["kind"] for line in bulk_lines)
    attached = sum(1 for line in bulk_lines if line.get("attachments"))
    print(
        f"{path}: {len(bulk_lines)} items ({kinds['news']} news, {kinds['document']} documents, "
        f"{attached} with a PDF) over {len(units)} units, {path.stat().st_size / 1e6:.1f} MB"
    )

    before = set(Page.objects.values_list("pk", flat=True))
    seconds, queries = import_file(path, f"import_content --publish, {len(bulk_lines)} new items")
    rate = len(bulk_lines) / seconds
    imported = list(
        Page.objects.exclude(pk__in=before).values_list("pk", flat=True).order_by("pk")
    )
    problems = Page.find_problems()
    print(
        f"bulk: {len(bulk_lines)} items in {seconds:.1f}s = {rate:.0f} items/s, "
        f"{queries} queries = {queries / len(bulk_lines):.3f} queries/item; "
        f"tree problems: {'none' if not any(problems) else problems}"
    )
    index_seconds = run_queued_indexing(imported)
    print(
        f"background search indexing of {len(imported)} pages (run after the import): "
        f"{index_seconds:.1f}s = {len(imported) / index_seconds:.0f} pages/s"
    )

    rerun_seconds, rerun_queries = import_file(path, "the same file again (nothing changes)")
    print(
        f"re-run: {len(bulk_lines)} items in {rerun_seconds:.1f}s = "
        f"{len(bulk_lines) / rerun_seconds:.0f} items/s, {rerun_queries} queries"
    )

    changed = folder / "archive-changed.jsonl"
    write_jsonl(changed, [dict(line, summary=line["summary"] + " (sửa)") for line in bulk_lines])
    update_seconds, update_queries = import_file(changed, "every item's summary changed")
    print(
        f"updates: {len(bulk_lines)} items in {update_seconds:.1f}s = "
        f"{len(bulk_lines) / update_seconds:.0f} items/s, {update_queries} queries; "
        f"tree problems: {'none' if not any(Page.find_problems()) else Page.find_problems()}"
    )

    stock_seconds, stock_queries = stock_import(stock_lines, folder)
    stock_rate = len(stock_lines) / stock_seconds
    print(
        f"\n== stock Wagtail, {len(stock_lines)} items: add_child + save_revision().publish()"
        f"\nstock: {len(stock_lines)} items in {stock_seconds:.1f}s = {stock_rate:.0f} items/s, "
        f"{stock_queries / len(stock_lines):.1f} queries/item"
    )
    print(
        f"\nsummary: bulk {rate:.0f} items/s vs stock {stock_rate:.0f} items/s "
        f"({rate / stock_rate:.0f}x); news now {NewsArticle.objects.count()}, "
        f"documents {PartyDocument.objects.count()}, pages {Page.objects.count()}"
    )
    if rate < args.target:
        print(f"below target: {rate:.0f} < {args.target:.0f} items/s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
