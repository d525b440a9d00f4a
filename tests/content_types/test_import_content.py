"""`manage.py import_content`: archives of news and documents, in bulk.

Committees move thousands of items from older systems. They rely on a file
being checked in full with the admin's rules before anything is written (every
bad line named, nothing half-imported), on a re-run updating rather than
duplicating, and on the imported pages being ordinary Wagtail pages: readers'
audience filters work, editors open, edit and publish them in the admin, and
the page tree stays consistent. Speed relies on a fixed number of queries per
batch, and on search indexing being queued for a background task.
"""

import datetime
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from content_types.archive.bodies import body_html, lead_from_text
from content_types.models import (
    AttachmentText,
    Audience,
    DocumentAttachment,
    NewsArticle,
    NewsIndexPage,
    PageAudience,
    PartyDocument,
)
from editorial.models import BoardRole

FILES = Path(__file__).parent / "files" / "archive"
Document = get_document_model()


# --- helpers --------------------------------------------------------------------


def news_line(unit="DT", n=1, **fields):
    line = {
        "kind": "news",
        "unit": unit,
        "title": f"Tin số {n}",
        "summary": f"Tóm tắt tin số {n}.",
        "body": f"Nội dung tin số {n}.",
        "published_at": "2024-09-27T08:00:00+07:00",
    }
    line.update(fields)
    return {key: value for key, value in line.items() if value is not None}


def document_line(unit="DT", number="619-BC/HU", document_type="BC", **fields):
    line = {
        "kind": "document",
        "unit": unit,
        "title": f"Văn bản {number}",
        "number": number,
        "document_type": document_type,
        "issued_on": "2024-09-26",
    }
    line.update(fields)
    return {key: value for key, value in line.items() if value is not None}


@pytest.fixture
def archive(tmp_path):
    """Write lines (dicts, or raw strings) to a .jsonl file beside copies of
    the fixture files; return its path."""

    def write(*lines, name="archive.jsonl"):
        shutil.copytree(FILES / "files", tmp_path / "files", dirs_exist_ok=True)
        path = tmp_path / name
        path.write_text(
            "".join(
                (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                for line in lines
            ),
            encoding="utf-8",
        )
        return path

    return write


def run(path, *args, **options):
    """Run the command in English; return its output."""
    out = StringIO()
    with translation.override("en"):
        call_command("import_content", str(path), *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def rejected(path, *args):
    """Run a file that must be refused; return the error lines it printed."""
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("import_content", str(path), *args, stdout=out, stderr=out)
    assert "nothing was written" in str(excinfo.value)
    return out.getvalue().splitlines()


def listing(unit, model):
    return model.objects.child_of(Page.objects.get(pk=unit.home_page_id)).get()


def written():
    """What an import can write, counted."""
    return (
        Page.objects.count(),
        Revision.objects.count(),
        Document.objects.count(),
        DocumentAttachment.objects.count(),
        PageAudience.objects.count(),
        PageLogEntry.objects.count(),
    )


# --- the documented sample ----------------------------------------------------------


def test_the_sample_archive_imports_as_drafts(unit_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(FILES / "archive.jsonl")
    assert "4 created, 0 updated, 0 unchanged (as drafts)." in output
    assert "items/s" in output

    news = NewsArticle.objects.get(source_url__contains="so-ket-6-thang")
    assert news.get_parent().pk == listing(unit_tree.district, NewsIndexPage).pk
    assert news.lead.startswith("Hội nghị đánh giá")
    assert news.source_name == "baothainguyen.vn"
    assert news.date == datetime.date(2024, 9, 27)
    assert news.body.raw_data[0]["type"] == "paragraph"
    assert news.body.raw_data[0]["value"].startswith("<p>Sáng 27/9, Huyện ủy Đại Từ tổ chức")
    assert "<b>sơ kết</b>" in news.body.raw_data[0]["value"]
    assert not news.live and news.has_unpublished_changes
    assert news.latest_revision_id and news.live_revision_id is None
    assert news.locale == Locale.objects.get(language_code="vi")

    branch_news = NewsArticle.objects.get(title="Thông báo lịch sinh hoạt chi bộ tháng 10")
    # A lead made from the body's first words, and plain text made paragraphs.
    assert branch_news.lead.startswith("Các chi bộ sinh hoạt định kỳ")
    assert branch_news.body.raw_data[0]["value"] == (
        "<p>Các chi bộ sinh hoạt định kỳ vào ngày 3 hằng tháng.</p>"
        "<p>Tài liệu sinh hoạt được gửi trước trên Sổ tay.</p>"
    )

    report = PartyDocument.objects.get(number="619-BC/HU")
    assert (report.number_value, report.issuer_code) == (619, "HU")
    assert report.issuing_body == unit_tree.district.name
    assert report.signer == "Nguyễn Văn An, Bí thư"
    attachment = report.attachments.get()
    assert attachment.document.collection_id == unit_tree.district.collection_id
    # The text is read by the existing task after the commit.
    assert attachment.document.extracted_text.status == AttachmentText.Status.EXTRACTED
    assert "Plan 12 for the membership drive" in attachment.document.extracted_text.text

    resolution = PartyDocument.objects.get(number="05-NQ/TU")
    assert resolution.external_issuer
    assert resolution.issuing_body == "Tỉnh ủy Thái Nguyên"
    assert "Resolution 05" in resolution.attachments.get().document.extracted_text.text


# --- every line is checked; a bad file writes nothing ---------------------------------


# Each bad line beside the reason it is refused for (after "line N: ").
BAD_LINES = [
    (news_line(unit="XX"), 'unit: unknown unit "XX"'),
    (
        dict(news_line(), kind="video"),
        'kind: "video" is not valid; expected one of: document, news',
    ),
    (document_line(issued_on="26/09/2024"), 'issued_on: "26/09/2024" is not a valid date'),
    (news_line(published_at="hôm qua"), 'published_at: "hôm qua" is not a valid date and time'),
    (document_line(number="BC 619"), "number: The number and symbol must be written as"),
    (
        document_line(number="619-NQ/HU"),
        "number: The symbol says NQ (Resolution), but the document type is Report (BC).",
    ),
    (
        document_line(number="619-BC/TU"),
        "number: The symbol names the issuing body TU, but this unit's abbreviation is HU.",
    ),
    (document_line(document_type="XX"), 'document_type: "XX" is not valid'),
    (document_line(attachments=["files/missing.pdf"]), "attachments: file not found"),
    (
        document_line(attachments=["files/gia-mao.pdf"]),
        "attachments: “gia-mao.pdf” is not a PDF, a Word (DOCX) file or a JPEG",
    ),
    (news_line(locale="fr"), 'locale: unknown locale "fr"; known: vi'),
    (news_line(audience="everyone"), 'audience: "everyone" is not valid'),
    (news_line(title="T" * 256), "title: Ensure this value has at most 255 characters"),
    (news_line(summary="S" * 601), "summary: at most 600 characters (it has 601)"),
    (news_line(source_url="not a link"), "source_url: Enter a valid URL."),
    (news_line(body=None), "body: this field is required"),
    (news_line(body="<script>x()</script>"), "body: has no text once its markup is removed"),
    (news_line(published_at=None), "published_at: this field is required"),
    (document_line(number=None), "number: this field is required"),
    (dict(news_line(), number="1-BC/HU"), "number: does not apply to news items"),
    (dict(document_line(), source_url="https://a.vn"), "source_url: does not apply to documents"),
    (dict(news_line(), colour="red"), "colour: unknown field"),
    (document_line(attachments="files/a.pdf"), "attachments: expected a list of file paths"),
    (document_line(external_issuer="yes"), "external_issuer: expected true or false"),
    (news_line(title=12), "title: expected a string"),
    ('{"kind": "news",', "invalid JSON: Expecting property name"),
    ("[1, 2]", "expected a JSON object"),
]

# Lines the admin would accept, each unlike the others.
GOOD_LINES = [
    news_line(n=1),
    news_line(n=2, unit="DT-X1", audience="unit", locale="vi"),
    news_line(n=3, title="T" * 255, summary="S" * 600, published_at="2024-09-27"),
    news_line(n=4, source_url="https://baothainguyen.vn/a.html", category="world"),
    document_line(unit="DT-X1", number="3-KH/ĐU", document_type="KH"),
    document_line(number="619-BC/TU", external_issuer=True),
    document_line(number=" 620 – bc/hu"),  # read as the admin reads it: 620-BC/HU
    document_line(number="621-BC/HU", document_type="bc", status="expired"),
    document_line(
        number="622-BC/HU", attachments=["files/nghi-quyet-05.pdf", "files/ke-hoach-12.docx"]
    ),
]


def test_each_bad_line_is_named_with_its_reason(unit_tree, archive):
    path = archive(*(line for line, _reason in BAD_LINES))
    before = written()
    errors = rejected(path)
    missing = [
        f"line {number}: {reason}"
        for number, (_line, reason) in enumerate(BAD_LINES, start=1)
        if not any(error.startswith(f"line {number}: {reason}") for error in errors)
    ]
    assert not missing, "\n".join(errors)
    assert written() == before


def test_good_lines_are_accepted(unit_tree, archive):
    output = run(archive(*GOOD_LINES))
    assert f"{len(GOOD_LINES)} created" in output
    assert set(PartyDocument.objects.values_list("number", flat=True)) == {
        "3-KH/ĐU",
        "619-BC/TU",
        "620-BC/HU",
        "621-BC/HU",
        "622-BC/HU",
    }


def test_a_unit_with_no_board_gets_its_home_page_and_lists_on_import(unit_tree, archive):
    """A unit with no board yet (here a branch) still owns its imported items:
    its home page and lists are made under its parent's home as the file is
    written; a dry run makes nothing."""
    branch = unit_tree.branch
    path = archive(news_line(unit="DT-X1-C1"), document_line(unit="DT-X1-C1", number="3-BC/CB"))
    before = written()

    assert "2 to create" in run(path, "--dry-run")
    assert written() == before
    branch.refresh_from_db()
    assert branch.home_page_id is None

    assert "2 created" in run(path)
    branch.refresh_from_db()
    assert branch.home_page.get_parent().pk == unit_tree.grassroots.home_page_id
    assert branch.collection.get_parent().pk == unit_tree.grassroots.collection_id
    news = NewsArticle.objects.get(title="Tin số 1")
    assert news.get_parent().pk == listing(branch, NewsIndexPage).pk
    document = PartyDocument.objects.get(number="3-BC/CB")
    assert document.get_parent().get_parent().pk == branch.home_page_id
    assert "0 created, 0 updated, 2 unchanged" in run(path)


def test_every_bad_line_is_listed_and_nothing_is_written(unit_tree, archive):
    path = archive(
        news_line(n=1),
        document_line(number="1-BC/HU"),
        news_line(unit="XX", n=2),
        document_line(number="2-BC/TU"),
        news_line(n=3, published_at="soon", audience="all"),
    )
    before = written()
    errors = rejected(path, "--publish")
    assert errors[:4] == [
        'line 3: unit: unknown unit "XX"',
        "line 4: number: The symbol names the issuing body TU, but this unit's abbreviation "
        "is HU. If another body issued the document, mark it as issued elsewhere.",
        'line 5: audience: "all" is not valid; expected one of: public, members, unit',
        'line 5: published_at: "soon" is not a valid date and time: write for example '
        "2024-09-27T08:00:00+07:00",
    ]
    assert written() == before


def test_a_document_number_already_used_in_another_unit_is_a_duplicate(unit_tree, archive):
    resolution = {"number": "05-NQ/TU", "document_type": "NQ", "external_issuer": True}
    run(archive(document_line(unit="DT", **resolution)))
    path = archive(document_line(unit="PL", **resolution))
    errors = rejected(path)
    assert errors == [
        "line 1: number: Document 05-NQ/TU issued in 2024 already exists: “Văn bản 05-NQ/TU”. "
        "Check the number, or the issue date."
    ]
    # Another year is another document, as in the admin.
    other_year = document_line(unit="PL", issued_on="2025-01-02", **resolution)
    assert "1 created" in run(archive(other_year))


def test_a_document_number_twice_in_the_file_is_a_duplicate(unit_tree, archive):
    path = archive(
        document_line(number="7-KH/HU", document_type="KH"),
        news_line(),
        document_line(number="07 - kh/hu", document_type="KH", title="Trùng số"),
        document_line(number="7-KH/HU", document_type="KH", issued_on="2025-02-01"),
    )
    assert rejected(path) == ["line 3: number: document 07-KH/HU issued in 2024 is also on line 1"]


def test_a_news_item_twice_in_the_file_is_a_duplicate(unit_tree, archive):
    url = "https://baothainguyen.vn/a.html"
    path = archive(
        news_line(n=1, source_url=url),
        news_line(n=2, source_url=url),
        news_line(n=3),
        news_line(n=3),
        news_line(n=3, unit="PL"),  # another unit's list
    )
    assert rejected(path) == [
        "line 2: source_url: the same news item is also on line 1",
        "line 4: title: the same news item is also on line 3",
    ]


def test_a_file_that_is_not_jsonl_is_refused(unit_tree, tmp_path):
    path = tmp_path / "archive.csv"
    path.write_text("kind,unit\n")
    with translation.override("en"), pytest.raises(CommandError, match=r"use \.jsonl"):
        call_command("import_content", str(path), stdout=StringIO())


# --- drafts, publishing and audiences ---------------------------------------------------


def test_publish_makes_live_pages_with_a_published_revision(unit_tree, archive):
    path = archive(news_line(), document_line(published_at=None))
    run(path, "--publish")
    news = NewsArticle.objects.get()
    assert news.live and not news.has_unpublished_changes
    assert news.live_revision_id == news.latest_revision_id is not None
    published = datetime.datetime(2024, 9, 27, 1, 0, tzinfo=datetime.UTC)
    assert news.first_published_at == news.last_published_at == published
    revision = news.live_revision
    assert revision.content["title"] == "Tin số 1"
    assert revision.as_object().lead == "Tóm tắt tin số 1."
    assert set(PageLogEntry.objects.filter(page=news).values_list("action", flat=True)) == {
        "wagtail.create",
        "wagtail.publish",
    }
    # A document without a publication time went out on its issue date.
    document = PartyDocument.objects.get()
    assert timezone.localtime(document.first_published_at) == timezone.make_aware(
        datetime.datetime(2024, 9, 26)
    )


def test_without_publish_pages_are_drafts_without_audience_rows(unit_tree, archive):
    run(archive(news_line(audience="members")))
    news = NewsArticle.objects.get()
    assert not news.live and news.first_published_at is None
    assert news.latest_revision.content["audience"] == "members"
    assert not PageAudience.objects.exists()


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.MEMBERS, Audience.UNIT])
def test_live_pages_get_the_audience_rows_sync_audience_makes(unit_tree, archive, audience):
    run(archive(news_line(unit="DT-X1", audience=audience)), "--publish")
    news = NewsArticle.objects.get()

    def stored():
        row = PageAudience.objects.get(page=news)
        scopes = sorted(row.reader_scopes.values_list("path", flat=True))
        return row.unit_id, row.unit_path, row.audience, scopes

    imported = stored()
    scopes = [unit_tree.grassroots.path] if audience == Audience.UNIT else []
    assert imported == (unit_tree.grassroots.pk, unit_tree.grassroots.path, audience, scopes)
    news.sync_audience()
    assert stored() == imported


def test_readers_filters_see_imported_pages(unit_tree, archive, client):
    run(
        archive(news_line(n=1, audience="public"), news_line(n=2, audience="members")), "--publish"
    )
    html = client.get(listing(unit_tree.district, NewsIndexPage).url).content.decode()
    assert "Tin số 1" in html
    assert "Tin số 2" not in html


# --- re-runs update instead of duplicating -------------------------------------------------


def test_a_rerun_of_the_same_file_changes_nothing(unit_tree, archive):
    path = archive(news_line(), document_line(attachments=["files/nghi-quyet-05.pdf"]))
    run(path, "--publish")
    before = written()
    output = run(path, "--publish")
    assert "0 created, 0 updated, 2 unchanged" in output
    assert written() == before


def test_a_rerun_updates_a_document_matched_by_unit_and_number(unit_tree, archive):
    run(archive(document_line(title="Báo cáo", summary="Cũ")), "--publish")
    page = PartyDocument.objects.get()
    changed = document_line(title="Báo cáo (bản sửa)", summary="Mới", signer="Trần Thị B")
    output = run(archive(changed), "--publish", verbosity=2)
    assert "updated: DT: 619-BC/HU (2024) (signer, summary, title)" in output
    page.refresh_from_db()
    assert PartyDocument.objects.count() == 1
    assert (page.title, page.summary, page.signer) == ("Báo cáo (bản sửa)", "Mới", "Trần Thị B")
    assert page.revisions.count() == 2
    assert page.live_revision_id == page.latest_revision_id
    assert page.live_revision.content["title"] == "Báo cáo (bản sửa)"


def test_a_rerun_replaces_changed_attachments_without_copying_unchanged_files(unit_tree, archive):
    run(archive(document_line(attachments=["files/nghi-quyet-05.pdf"])), "--publish")
    both = ["files/ke-hoach-12.docx", "files/nghi-quyet-05.pdf"]
    run(archive(document_line(attachments=both)), "--publish")
    page = PartyDocument.objects.get()
    files = [a.document.title for a in page.attachments.order_by("sort_order")]
    assert files == ["ke-hoach-12", "nghi-quyet-05"]
    assert Document.objects.count() == 2


def test_a_rerun_updates_news_matched_by_source_address(unit_tree, archive):
    url = "https://baothainguyen.vn/a.html"
    run(archive(news_line(title="Tiêu đề cũ", source_url=url)), "--publish")
    run(archive(news_line(title="Tiêu đề mới", source_url=url)), "--publish")
    assert list(NewsArticle.objects.values_list("title", flat=True)) == ["Tiêu đề mới"]
    # An item first imported without its address is found by title and date.
    run(archive(news_line(n=5)), "--publish")
    run(archive(news_line(n=5, source_url="https://baothainguyen.vn/b.html")), "--publish")
    assert NewsArticle.objects.get(title="Tin số 5").source_url.endswith("/b.html")
    # One with another address is another item.
    run(archive(news_line(n=5, source_url="https://baothainguyen.vn/c.html")), "--publish")
    assert NewsArticle.objects.filter(title="Tin số 5").count() == 2


def test_a_rerun_updates_news_matched_by_title_and_date(unit_tree, archive):
    run(archive(news_line(body="Bản cũ.")), "--publish")
    run(archive(news_line(body="<p>Bản <em>mới</em>.</p>")), "--publish")
    news = NewsArticle.objects.get()
    assert news.body.raw_data[0]["value"] == "<p>Bản <i>mới</i>.</p>"
    # Another date is another news item.
    run(archive(news_line(published_at="2024-09-28T08:00:00+07:00")), "--publish")
    assert NewsArticle.objects.count() == 2


def test_a_draft_rerun_leaves_the_live_page_alone(unit_tree, archive):
    run(archive(news_line(title="Bản đã đăng")), "--publish")
    news = NewsArticle.objects.get()
    run(archive(news_line(title="Bản đã đăng", summary="Tóm tắt mới")))
    news.refresh_from_db()
    assert news.live and news.has_unpublished_changes
    assert news.lead == "Tóm tắt tin số 1."  # what readers see
    assert news.get_latest_revision_as_object().lead == "Tóm tắt mới"  # what editors see
    assert news.live_revision_id != news.latest_revision_id


def test_an_alias_in_another_unit_is_not_matched(unit_tree, archive):
    path = archive(news_line())
    run(path, "--publish")
    news = NewsArticle.objects.get()
    news.create_alias(parent=listing(unit_tree.district_2, NewsIndexPage))
    # An alias with the same title and date in the same list is not updated either.
    news.create_alias(parent=listing(unit_tree.district, NewsIndexPage), update_slug="ban-sao")
    assert "0 created, 0 updated, 1 unchanged" in run(path, "--publish")


def test_a_line_matching_two_existing_news_items_is_refused(unit_tree, archive):
    index = listing(unit_tree.district, NewsIndexPage)
    for slug in ("a", "b"):
        page = NewsArticle(
            title="Tin số 1", slug=slug, lead="x", body=[], date=datetime.date(2024, 9, 27)
        )
        index.add_child(instance=page)
    errors = rejected(archive(news_line()))
    assert errors[0].startswith("line 1: matches 2 existing news items (ids ")


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_lists_what_would_change_and_writes_nothing(unit_tree, archive):
    run(archive(document_line(title="Cũ")), "--publish")
    before = written()
    output = run(archive(document_line(title="Mới"), news_line()), "--publish", "--dry-run")
    assert "would update: DT: 619-BC/HU (2024) (title)" in output
    assert "would create: DT: Tin số 1 (2024-09-27)" in output
    assert "Dry run, nothing written: 1 to create, 1 to update, 0 unchanged." in output
    assert written() == before


# --- the tree, the admin and the queries ------------------------------------------------------


def test_the_page_tree_stays_consistent(unit_tree, archive):
    run(archive(*(news_line(n=n) for n in range(30))), "--publish")
    run(archive(*(news_line(n=n, unit="PL") for n in range(5)), document_line()))
    assert Page.find_problems() == ([], [], [], [], [])
    index = listing(unit_tree.district, NewsIndexPage)
    assert index.numchild == index.get_children().count() == 30
    for page in index.get_children()[:3]:
        assert page.url_path == f"{index.url_path}{page.slug}/"
    assert len({page.slug for page in index.get_children()}) == 30
    # A page added the stock way afterwards lands after the imported ones.
    page = NewsArticle(title="Sau", lead="x", body=[], date=datetime.date(2025, 1, 1))
    Page.objects.get(pk=index.pk).add_child(instance=page)
    assert Page.find_problems() == ([], [], [], [], [])


def test_an_imported_page_can_be_edited_and_published_in_the_admin(
    unit_tree, archive, client, board_user
):
    path = archive(
        news_line(),
        document_line(attachments=["files/nghi-quyet-05.pdf"]),
    )
    run(path)
    client.force_login(board_user(unit_tree.district, BoardRole.APPROVER))

    news = NewsArticle.objects.get()
    assert client.get(f"/admin/pages/{news.pk}/edit/").status_code == 200
    data = nested_form_data(
        {
            "title": "Tin đã sửa",
            "slug": news.slug,
            "lead": news.lead,
            "body": streamfield([("paragraph", rich_text("<p>Nội dung đã sửa.</p>"))]),
            "category": news.category,
            "date": "2024-09-27",
            "source_name": "",
            "source_url": "",
            "audience": "public",
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/pages/{news.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    news.refresh_from_db()
    assert news.live and news.title == "Tin đã sửa"
    # Published today, first published on the archive's date.
    assert news.first_published_at == datetime.datetime(2024, 9, 27, 1, 0, tzinfo=datetime.UTC)
    assert news.last_published_at.date() == timezone.now().date()
    assert PageAudience.objects.filter(page=news, audience=Audience.PUBLIC).exists()

    document = PartyDocument.objects.get()
    attachment = document.attachments.get()
    assert client.get(f"/admin/pages/{document.pk}/edit/").status_code == 200
    data = nested_form_data(
        {
            "title": "Văn bản đã sửa",
            "slug": document.slug,
            "number": document.number,
            "document_type": "BC",
            "issued_on": "2024-09-26",
            "status": "in_force",
            "audience": "public",
            "summary": "",
            "body": streamfield([]),
            "attachments": inline_formset(
                [{"id": attachment.pk, "document": attachment.document_id, "title": ""}],
                initial=1,
            ),
            "relations": inline_formset([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/pages/{document.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    document.refresh_from_db()
    assert document.live and document.title == "Văn bản đã sửa"
    assert document.attachments.get().pk == attachment.pk
    assert Page.find_problems() == ([], [], [], [], [])


def lines_for(count):
    units = ["DT", "PL", "DT-X1"]
    return [
        news_line(unit=units[n % 3], n=n, audience=["public", "members", "unit"][n % 3])
        if n % 2
        else document_line(
            unit=units[n % 3],
            number=f"{n + 1}-KH/{['HU', 'HU', 'ĐU'][n % 3]}",
            document_type="KH",
            audience="unit",
            attachments=["files/nghi-quyet-05.pdf"] if n % 4 == 0 else None,
        )
        for n in range(count)
    ]


def test_queries_do_not_grow_with_the_number_of_items(
    unit_tree, archive, django_assert_max_num_queries
):
    small = archive(*lines_for(20), name="small.jsonl")
    with CaptureQueriesContext(connection) as queries:
        run(small, "--publish")
    large_lines = [dict(line, title=line["title"] + " (2)") for line in lines_for(200)]
    large = archive(*large_lines, name="large.jsonl")
    # New numbers for the large file's documents.
    large.write_text(large.read_text().replace("-KH/", "0-KH/"))
    with django_assert_max_num_queries(len(queries) + 3):
        run(large, "--publish")
    assert NewsArticle.objects.count() == 110
    assert PartyDocument.objects.count() == 110


def test_search_indexing_is_one_background_task_after_the_commit(
    unit_tree, archive, django_capture_on_commit_callbacks
):
    path = archive(news_line(title="Đại hội điểm chi bộ Xóm Chùa"), news_line(n=2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(path, "--publish")
    assert not NewsArticle.objects.search("Xóm Chùa")  # nothing indexed while writing
    assert len(callbacks) == 1
    callbacks[0]()  # the import's one callback queues the tasks (run at once here)
    assert [page.title for page in NewsArticle.objects.search("Xóm Chùa")] == [
        "Đại hội điểm chi bộ Xóm Chùa"
    ]


def test_index_pages_indexes_the_given_pages_in_batches(unit_tree, archive):
    from content_types.tasks import index_pages

    run(archive(*(news_line(n=n, title=f"Hội nghị số {n}") for n in range(3))), "--publish")
    ids = list(NewsArticle.objects.values_list("pk", flat=True))
    assert index_pages.call(ids) == 3
    assert len(NewsArticle.objects.search("Hội nghị")) == 3


# --- bodies -------------------------------------------------------------------------------------


def test_plain_text_becomes_paragraphs_and_html_is_cleaned():
    assert body_html("Dòng một\nDòng hai\n\nĐoạn <hai> & ba") == (
        "<p>Dòng một<br/>Dòng hai</p><p>Đoạn &lt;hai&gt; &amp; ba</p>"
    )
    assert body_html(
        '<div style="x"><h2>Tiêu đề</h2><p>Xin <strong>chào</strong> <em>bạn</em> '
        '<a href="javascript:alert(1)">x</a> <a href="https://a.vn/?a=1&b=2">liên kết</a>'
        "<script>alert(1)</script></p><ul><li>một</li><li>hai</li></ul><img src=a.png></div>"
    ) == (
        "<p><b>Tiêu đề</b></p><p>Xin <b>chào</b> <i>bạn</i> x "
        '<a href="https://a.vn/?a=1&amp;b=2">liên kết</a></p><ul><li>một</li><li>hai</li></ul>'
    )


def test_a_lead_is_cut_at_a_word():
    lead = lead_from_text("chữ " * 200)
    assert len(lead) <= 300 and lead.endswith("chữ…")
