"""seed_demo_archive: the generated archive of `seed_demo --size city`, written
by the archive importer's classes (run here with chunks of 10 items on a
scaled-down tree; the full size is timed in docs/demo.md)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from wagtail.models import Page, PageLogEntry

from content_types.archive import demo
from content_types.models import NewsArticle, PageAudience, PartyDocument
from content_types.models.audience import PageReaderScope
from editorial.demo import DemoShape, seed
from search.models import SearchRecord

pytestmark = pytest.mark.django_db

TREE = DemoShape(
    districts=2, grassroots_per_district=2, branches_per_grassroots=1, members_per_branch=3
)


@pytest.fixture
def tree(monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 10)
    seed(TREE, log=lambda message: None)


@pytest.fixture
def seed_archive(django_capture_on_commit_callbacks):
    """Run the command; the search records are written once each chunk commits."""

    def run(news, documents):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "seed_demo_archive", news=news, documents=documents, no_progress=True, stdout=out
            )
        return out.getvalue()

    return run


def archive_pages():
    return list(NewsArticle.objects.all()) + list(PartyDocument.objects.all())


def test_writes_live_pages_with_what_an_import_writes(tree, seed_archive):
    output = seed_archive(news=25, documents=12)

    assert "news: created 25" in output
    assert "document: created 12" in output
    assert NewsArticle.objects.live().count() == 25
    assert PartyDocument.objects.live().count() == 12
    assert Page.find_problems() == ([], [], [], [], [])
    pages = archive_pages()
    ids = [page.pk for page in pages]
    assert PageAudience.objects.filter(page_id__in=ids).count() == 37
    unit_pages = [page.pk for page in pages if page.audience == "unit"]
    assert PageReaderScope.objects.filter(page_audience_id__in=unit_pages).count() == len(
        unit_pages
    )
    assert PageLogEntry.objects.filter(page_id__in=ids, action="wagtail.publish").count() == 37
    assert all(page.live_revision_id for page in pages)
    assert SearchRecord.objects.filter(key__in=[f"page:{pk}" for pk in ids]).count() == 37
    # Every audience, and the news spread over several units and dates.
    assert {page.audience for page in pages} == {"public", "members", "unit"}
    assert len({page.get_parent().pk for page in pages}) > 4
    assert len({news.date for news in NewsArticle.objects.all()}) > 20


def test_a_re_run_creates_only_what_is_missing(tree, seed_archive):
    seed_archive(news=15, documents=5)
    first = {page.pk for page in archive_pages()}

    output = seed_archive(news=25, documents=12)

    assert "news: created 10" in output  # the cut-short chunk is completed
    assert "document: created 7" in output
    assert first <= {page.pk for page in archive_pages()}
    assert (NewsArticle.objects.count(), PartyDocument.objects.count()) == (25, 12)

    output = seed_archive(news=25, documents=12)

    assert "news: created 0, 3 chunks already there" in output
    assert (NewsArticle.objects.count(), PartyDocument.objects.count()) == (25, 12)


def test_the_same_counts_plan_the_same_lines():
    units = [demo.DemoUnit("TN", "Tỉnh ủy", "TU", "province")]
    first = demo.DemoArchive(units, news=30, documents=30)
    second = demo.DemoArchive(units, news=30, documents=30)
    for kind in ("news", "document"):
        assert first.lines(kind, 0) == second.lines(kind, 0)


def test_readers_get_their_audience_through_the_api_and_search(tree, seed_archive):
    seed_archive(news=30, documents=10)
    public = NewsArticle.objects.filter(audience="public")

    listing = Client().get("/api/v2/pages/", {"type": "content_types.NewsArticle"})

    assert listing.status_code == 200
    assert listing.json()["meta"]["total_count"] == public.count() < 30
    news = public.first()
    found = Client().get("/api/search/", {"q": news.title})
    assert found.status_code == 200
    assert news.pk in [result["id"] for result in found.json()["results"]]
    hidden = NewsArticle.objects.exclude(audience="public").first()
    found = Client().get("/api/search/", {"q": hidden.title})
    assert hidden.pk not in [result["id"] for result in found.json()["results"]]


@pytest.mark.django_db(transaction=True)
def test_settles_the_written_tables_on_postgresql(tree, seed_archive):
    """Straight after a bulk write the visibility map is empty and a listing's
    index-only scans read the table too: the command vacuums and analyses."""
    output = seed_archive(news=5, documents=2)

    settled = "vacuum (analyze):" in output
    assert settled == (connection.vendor == "postgresql")
    if settled:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                "FROM pg_stat_user_tables WHERE relname = %s",
                [PageAudience._meta.db_table],
            )
            assert cursor.fetchone() == (True, True)
    # A second run writes nothing, and has nothing to settle.
    assert "vacuum" not in seed_archive(news=5, documents=2)
