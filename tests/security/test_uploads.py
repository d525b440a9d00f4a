"""Files coming in and going out: archive imports, uploads, spreadsheet exports.

Replays findings 7 (formula injection in XLSX downloads), 8 (decompression
bombs and huge images uploaded through the admin) and 16 (``import_content``
reading attachment paths outside the import file's folder) of issue 13.
"""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.documents import get_document_model

from content_types.models import PartyDocument

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
