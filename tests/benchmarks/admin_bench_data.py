"""``admin_bench.py --prepare N``: fill a scratch database for the admin benchmark.

On a database seeded with ``seed_demo --size province``: N news and documents
(``import_content --publish``), half of them in the first district so that its
news list holds thousands of items; the level workflows on every unit with a
home page and 300 of the imported pages submitted by their unit's editor;
the demo study module (``seed_study``) with a completion for every third
active member. Never run it on a shared database.
"""

import io
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Page

from content_types.demo import seed_study
from content_types.models import ModuleCompletion, NewsArticle, NewsIndexPage, StudyModule
from editorial.models import BoardMembership, BoardRole, Member, Unit, UnitLevel
from tests.benchmarks.import_content import QUEUED_TASKS, ItemMaker, write_jsonl
from workflows.standard import assign_standard_workflow, ensure_standard_workflows

WAITING = 300
LOCAL_MAIL = "django.core.mail.backends.locmem.EmailBackend"


def prepare(count):
    if connection.settings_dict["NAME"] == "stdv_city":
        raise SystemExit("--prepare writes: not on the shared city database")
    with override_settings(TASKS=QUEUED_TASKS, EMAIL_BACKEND=LOCAL_MAIL):
        district = Unit.objects.filter(
            level=UnitLevel.DISTRICT,
            home_page__isnull=False,
            board__memberships__role=BoardRole.EDITOR,
        ).first()
        news = NewsIndexPage.objects.child_of(Page.objects.get(pk=district.home_page_id)).get()
        if news.numchild < count // 5:  # a re-run goes on after the import
            import_items(count, district)
        submit_pages(district)
        complete_modules()


def import_items(count, district):
    units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
    # Every other item in the district, the others over every unit.
    spread = [unit for pair in zip([district] * len(units), units, strict=True) for unit in pair]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        # Numbers above the earlier runs' (a document's number is unique per year).
        first = Page.objects.count()
        maker = ItemMaker(spread, folder, run=f"admin{int(time.time())}", first_number=first)
        path = folder / "items.jsonl"
        write_jsonl(path, (maker.make(n) for n in range(count)))
        call_command(
            "import_content", str(path), publish=True, progress=False, stdout=io.StringIO()
        )
    print(f"prepare: {count:,} items imported in {time.perf_counter() - started:.0f}s")


def submit_pages(district):
    """WAITING news items of every unit, submitted by the district's editor
    (the demo boards have one editor per level)."""
    ensure_standard_workflows()
    for unit in Unit.objects.active().filter(home_page__isnull=False):
        assign_standard_workflow(unit)
    author = BoardMembership.objects.filter(board__unit=district, role=BoardRole.EDITOR).get().user
    started = time.perf_counter()
    waiting = NewsArticle.objects.filter(_workflow_states__status="in_progress").count()
    pages = NewsArticle.objects.filter(_workflow_states__isnull=True).order_by("?")
    submitted = 0
    for page in pages[: max(0, WAITING - waiting)]:
        page.save_revision(user=author)
        page.get_workflow().start(page, author)
        submitted += 1
    print(
        f"prepare: {submitted} pages waiting in moderation ({time.perf_counter() - started:.0f}s)"
    )


def complete_modules():
    seed_study(log=lambda line: None)
    modules = list(StudyModule.objects.live())
    now = timezone.now()
    members = Member.objects.active().order_by("pk").values_list("pk", flat=True)
    rows = [
        ModuleCompletion(member_id=member_id, module=module, completed_at=now)
        for member_id in members[::3]
        for module in modules
    ]
    ModuleCompletion.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    print(f"prepare: {len(rows):,} study completions over {len(modules)} modules")
