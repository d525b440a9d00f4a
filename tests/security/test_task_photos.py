"""A task report's photo: another member of the branch, another branch's
member or secretary, the committee above and anonymous callers get nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from branches import assignments
from tests.branches import conftest as branch_life
from tests.branches.test_api import png_bytes

pytestmark = pytest.mark.django_db

life, as_member = branch_life.life, branch_life.as_member


def test_only_the_assignee_and_the_secretaries_see_a_reports_photo(life, as_member):
    task = assignments.assign_task(
        life.secretary, life.branch, title="Dọn vệ sinh", member_ids=[life.official.pk]
    )
    assignment = task.assignments.get()
    photo = SimpleUploadedFile("anh.png", png_bytes(), "image/png")
    body = encode_multipart(BOUNDARY, {"report_photo": photo})
    path = f"/api/tasks/{assignment.pk}/"
    sent = as_member(life.official).patch(path, body, content_type=MULTIPART_CONTENT)
    assert sent.status_code == 200

    for who in (life.official_2, life.resident, life.other_member, life.other_secretary):
        assert as_member(who).get(f"{path}photo/").status_code == 404, who
    assert as_member(life.committee).get(f"{path}photo/").status_code == 404
    assert Client().get(f"{path}photo/").status_code in (401, 403)
