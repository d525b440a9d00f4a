"""Party documents: symbols checked against the owning unit, relations read
both ways, attachments checked by content and read into searchable text.

Editors rely on the admin refusing a wrong symbol on the ``number`` field
before anything is saved; search relies on ``AttachmentText`` holding the
words of every readable attachment, and on unreadable files being kept and
flagged rather than lost.
"""

import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from content_types.factories import document_index, publish_document
from content_types.models import (
    AttachmentText,
    DocumentRelation,
    PartyDocument,
    RelationKind,
)
from content_types.tasks import extract_attachment_text
from editorial.factories import make_unit
from editorial.models import UnitLevel
from editorial.provisioning import provision_board
from tests.pdf import pdf_file, stream

Document = get_document_model()


# --- files built here, so the tests read real PDF, DOCX and PNG bytes -------


def make_pdf(text):
    """A one-page PDF with a Helvetica text layer saying ``text`` (ASCII)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(content),
        ]
    )


def make_docx(paragraphs):
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{word}">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return out.getvalue()


def make_png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def stored_document(name, content, title=None):
    """A document saved straight to storage, as an import would (no upload form)."""
    return Document.objects.create(title=title or name, file=ContentFile(content, name=name))


# --- pages --------------------------------------------------------------------


def create_url(unit):
    return f"/admin/pages/add/content_types/partydocument/{document_index(unit).pk}/"


def form_data(number, document_type, issued_on="2025-03-01", attachments=(), **extra):
    data = {
        "title": extra.pop("title", "Báo cáo tổng kết"),
        "slug": extra.pop("slug", f"vb-{abs(hash((number, issued_on))) % 10**8}"),
        "number": number,
        "document_type": document_type,
        "issued_on": issued_on,
        "status": "in_force",
        "audience": "public",
        "summary": "",
        "body": streamfield([]),
        "attachments": inline_formset(
            [{"document": document.pk, "title": ""} for document in attachments]
        ),
        "relations": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def number_errors(response):
    assert response.status_code == 200, "the form should have been shown again"
    return response.context["form"].errors.as_data().get("number", [])


# --- provisioning ---------------------------------------------------------------


def test_every_unit_with_a_board_gets_a_document_list(unit_tree):
    for unit in (unit_tree.province, unit_tree.district, unit_tree.grassroots):
        index = document_index(unit)
        assert index.live and index.slug == "van-ban"
    branch = make_unit("DT-X1-C9", parent=unit_tree.grassroots, level=UnitLevel.BRANCH)
    provision_board(branch)
    branch.refresh_from_db()
    assert document_index(branch).get_parent().pk == branch.home_page_id


# --- symbols through the admin create view --------------------------------------


def test_a_valid_symbol_creates_the_document_with_parsed_parts(unit_tree, admin_client):
    response = admin_client.post(create_url(unit_tree.district), form_data(" 619 - bc/hu", "BC"))
    assert response.status_code == 302, response.context["form"].errors
    page = PartyDocument.objects.get()
    assert (page.number, page.number_value, page.document_type, page.issuer_code) == (
        "619-BC/HU",
        619,
        "BC",
        "HU",
    )
    assert page.issuing_body == unit_tree.district.name
    assert page.get_parent().pk == document_index(unit_tree.district).pk


def test_wrong_type_abbreviation_is_refused_on_the_number_field(unit_tree, admin_client):
    response = admin_client.post(create_url(unit_tree.district), form_data("12-NQ/HU", "BC"))
    assert [error.code for error in number_errors(response)] == ["type_mismatch"]
    assert not PartyDocument.objects.exists()


def test_wrong_issuer_is_refused_unless_issued_elsewhere(unit_tree, admin_client):
    url = create_url(unit_tree.district)
    response = admin_client.post(url, form_data("05-NQ/TU", "NQ"))
    errors = number_errors(response)
    assert [error.code for error in errors] == ["issuer_mismatch"]
    assert "TU" in str(errors[0].message % errors[0].params)
    assert not PartyDocument.objects.exists()

    response = admin_client.post(url, form_data("05-NQ/TU", "NQ", external_issuer="on"))
    assert response.status_code == 302
    assert PartyDocument.objects.get().issuer_code == "TU"


def test_an_unreadable_symbol_is_refused(unit_tree, admin_client):
    response = admin_client.post(create_url(unit_tree.district), form_data("BC 619", "BC"))
    assert [error.code for error in number_errors(response)] == ["invalid_form"]
    assert not PartyDocument.objects.exists()


def test_the_same_symbol_cannot_repeat_in_a_year_but_may_next_year(unit_tree, admin_client):
    publish_document(unit_tree.district, "7-KH/HU", "KH", issued_on=datetime.date(2025, 1, 10))
    url = create_url(unit_tree.district)

    response = admin_client.post(url, form_data("07-KH/HU", "KH", issued_on="2025-11-30"))
    assert [error.code for error in number_errors(response)] == ["duplicate"]
    assert PartyDocument.objects.count() == 1

    response = admin_client.post(url, form_data("07-KH/HU", "KH", issued_on="2026-01-05"))
    assert response.status_code == 302
    assert PartyDocument.objects.count() == 2


def test_editing_a_document_does_not_clash_with_itself(unit_tree, admin_client):
    page = publish_document(unit_tree.district, "8-KH/HU", "KH")
    data = form_data("8-KH/HU", "KH", slug=page.slug, title="Kế hoạch (sửa)")
    data["action-publish"] = "action-publish"
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.title == "Kế hoạch (sửa)"


def test_an_alias_does_not_clash_with_its_original(unit_tree, admin_client):
    page = publish_document(unit_tree.grassroots, "9-NQ/ĐU", "NQ")
    alias = page.create_alias(parent=document_index(unit_tree.district), update_slug="nq-9-alias")
    alias.full_clean()  # an alias keeps its original's number and is still valid

    data = form_data("9-NQ/ĐU", "NQ", slug=page.slug, title="Nghị quyết (sửa)")
    data["action-publish"] = "action-publish"
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    alias.refresh_from_db()
    assert alias.title == "Nghị quyết (sửa)"

    # A real second document with the same number is still refused.
    response = admin_client.post(
        create_url(unit_tree.grassroots), form_data("9-NQ/ĐU", "NQ", issued_on="2025-06-01")
    )
    assert [error.code for error in number_errors(response)] == ["duplicate"]


def test_model_clean_checks_pages_in_the_tree(unit_tree):
    from django.core.exceptions import ValidationError

    page = publish_document(unit_tree.grassroots, "3-CT/ĐU", "CT")
    page.number = "3-CT/HU"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "number" in error.value.message_dict


# --- relations --------------------------------------------------------------------


def test_relations_are_shown_in_both_directions(unit_tree, client, django_assert_num_queries):
    resolution = publish_document(unit_tree.province, "05-NQ/TU", "NQ", title="Nghị quyết 05")
    report = PartyDocument(
        title="Báo cáo sơ kết",
        number="619-BC/HU",
        document_type="BC",
        issued_on=datetime.date(2025, 6, 1),
    )
    report.relations.add(DocumentRelation(kind=RelationKind.AMENDS, target=resolution))
    document_index(unit_tree.district).add_child(instance=report)
    report.save_revision().publish()

    with django_assert_num_queries(2), translation.override("en"):
        labels = [str(label) for label, _doc, _kind in report.related_documents()]
    assert labels == ["Amends 05-NQ/TU"]
    with translation.override("en"):
        incoming = [(str(label), doc.pk) for label, doc, _ in resolution.related_documents()]
    assert incoming == [("Amended by 619-BC/HU", report.pk)]

    html = client.get(resolution.url).content.decode()
    assert report.url in html and "619-BC/HU" in html
    html = client.get(report.url).content.decode()
    assert resolution.url in html and "05-NQ/TU" in html


# --- attachments: checked by content ------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"), [(make_png(), "mismatch"), (b"just some text, not a PDF", "unsupported")]
)
def test_an_upload_named_pdf_that_is_not_a_pdf_is_refused(unit_tree, admin_client, content, code):
    from wagtail.models import Collection

    response = admin_client.post(
        "/admin/documents/add/",
        {
            "title": "fake",
            "file": SimpleUploadedFile("bao-cao.pdf", content),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [error.code for error in errors] == [code], [str(e) for e in errors]
    assert "bao-cao.pdf" in str(errors[0].message % errors[0].params)
    assert not Document.objects.exists()


def test_a_real_pdf_upload_is_accepted_and_read(unit_tree, admin_client):
    from wagtail.models import Collection

    response = admin_client.post(
        "/admin/documents/add/",
        {
            "title": "Nghị quyết",
            "file": SimpleUploadedFile("nghi-quyet.pdf", make_pdf("Nghi quyet chuyen doi so")),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.extracted_text.status == AttachmentText.Status.EXTRACTED
    assert "chuyen doi so" in document.extracted_text.text


def test_the_page_form_refuses_an_attachment_that_is_not_an_accepted_file(unit_tree, admin_client):
    fake = stored_document("phu-luc.pdf", b"plain text pretending to be a PDF")
    response = admin_client.post(
        create_url(unit_tree.district), form_data("9-BC/HU", "BC", attachments=[fake])
    )
    assert response.status_code == 200
    formset = response.context["form"].formsets["attachments"]
    assert "document" in formset.forms[0].errors
    assert not PartyDocument.objects.exists()

    real = stored_document("bao-cao.pdf", make_pdf("Bao cao so 9"))
    response = admin_client.post(
        create_url(unit_tree.district), form_data("9-BC/HU", "BC", attachments=[real])
    )
    assert response.status_code == 302
    assert list(PartyDocument.objects.get().attachments.values_list("document", flat=True)) == [
        real.pk
    ]


# --- extraction -------------------------------------------------------------------


def attach(unit, number, document_type, *documents):
    """A document issued on 1 May 2025 with ``documents`` attached."""
    return publish_document(
        unit, number, document_type, issued_on=datetime.date(2025, 5, 1), files=documents
    )


def test_text_is_extracted_from_pdf_and_docx_attachments(unit_tree):
    pdf = stored_document("nq.pdf", make_pdf("Nghi quyet ve chuyen doi so"))
    docx = stored_document(
        "hd.docx", make_docx(["Nghị quyết chuyển đổi số", "Hướng dẫn thực hiện"])
    )
    page = attach(unit_tree.district, "10-HD/HU", "HD", pdf, docx)

    pdf_text = AttachmentText.objects.get(document=pdf)
    assert pdf_text.status == AttachmentText.Status.EXTRACTED
    assert "Nghi quyet ve chuyen doi so" in pdf_text.text
    assert pdf_text.extracted_at is not None
    docx_text = AttachmentText.objects.get(document=docx)
    assert docx_text.status == AttachmentText.Status.EXTRACTED
    assert docx_text.text == "Nghị quyết chuyển đổi số\nHướng dẫn thực hiện"

    assert "chuyển đổi số" in page.attachment_text()
    assert "chuyen doi so" in page.attachment_text()
    found = PartyDocument.objects.live().search("thực hiện")
    assert [result.pk for result in found] == [page.pk]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh-chup.png", make_png()),
        ("hong.docx", b"PK\x03\x04 not really a zip"),
        ("scan.pdf", make_pdf("")),
    ],
)
def test_an_unreadable_attachment_is_kept_and_flagged(unit_tree, name, content):
    document = stored_document(name, content)
    page = attach(unit_tree.district, "11-TB/HU", "TB", document)
    row = AttachmentText.objects.get(document=document)
    assert row.status == AttachmentText.Status.UNREADABLE
    assert row.text == "" and row.problem
    assert list(page.attachments.values_list("document", flat=True)) == [document.pk]
    assert Document.objects.filter(pk=document.pk).exists()


def test_reextraction_replaces_the_text(unit_tree):
    document = stored_document("kl.docx", make_docx(["Kết luận cũ"]))
    attach(unit_tree.district, "12-KL/HU", "KL", document)
    first = AttachmentText.objects.get(document=document)

    extract_attachment_text.enqueue(document.pk)
    again = AttachmentText.objects.get(document=document)
    assert (again.pk, again.text, again.status) == (first.pk, "Kết luận cũ", first.status)

    document.file.save("kl2.docx", ContentFile(make_docx(["Kết luận mới"])))
    extract_attachment_text.enqueue(document.pk)
    assert AttachmentText.objects.filter(document=document).count() == 1
    assert AttachmentText.objects.get(document=document).text == "Kết luận mới"


def test_document_list_shows_live_documents(unit_tree, client):
    publish_document(unit_tree.district, "13-TB/HU", "TB", title="Thông báo kết luận")
    html = client.get(document_index(unit_tree.district).url).content.decode()
    assert "Thông báo kết luận" in html and "13-TB/HU" in html


def test_a_file_saved_outside_the_admin_is_read_too(db, tmp_path):
    """Files replaced through the shell or an API reach search as well."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from content_types.models.documents import AttachmentText

    docx = make_docx(["Kế hoạch tổng kết năm"])
    document = get_document_model().objects.create(
        title="ke-hoach", file=ContentFile(docx, name="ke-hoach.docx")
    )
    row = AttachmentText.objects.get(document=document)
    assert row.status == AttachmentText.Status.EXTRACTED
    assert "Kế hoạch tổng kết năm" in row.text
