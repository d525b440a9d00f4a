"""A task report's photo is served to the assignee and the branch's
secretaries through ``report_photo_url``, never as a public media URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from branches import assignments

from .test_api import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(life, as_member):
    """The official's assignment, reported done with a photo."""
    task = assignments.assign_task(
        life.secretary, life.branch, title="Dọn vệ sinh nhà văn hoá", member_ids=[life.official.pk]
    )
    assignment = task.assignments.get()
    photo = SimpleUploadedFile("anh.png", png_bytes(), "image/png")
    body = encode_multipart(BOUNDARY, {"report_photo": photo, "status": "done"})
    sent = as_member(life.official).patch(
        f"/api/tasks/{assignment.pk}/", body, content_type=MULTIPART_CONTENT
    )
    assert sent.status_code == 200, sent.json()
    return assignment


def test_the_secretary_and_the_member_open_the_reports_photo(life, as_member, reported):
    secretary = as_member(life.secretary)
    listed = secretary.get(f"/api/tasks/?branch={life.branch.pk}").json()
    url = listed[0]["report_photo_url"]

    for who in (life.secretary, life.deputy, life.official):
        response = as_member(who).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == png_bytes()
    assert url == f"/api/tasks/{reported.pk}/photo/"
    assert "/media/" not in url


def test_an_assignment_without_a_photo_has_no_photo_url(life, as_member):
    task = assignments.assign_task(
        life.secretary, life.branch, title="Họp tổ", member_ids=[life.official.pk]
    )
    assignment = task.assignments.get()
    mine = as_member(life.official).get(f"/api/tasks/{assignment.pk}/").json()

    assert mine["report_photo_url"] is None
    assert as_member(life.official).get(f"/api/tasks/{assignment.pk}/photo/").status_code == 404
