"""Residence-place registrations: only the secretaries of the member's own
branch list, register and end them. Anonymous callers are refused; a plain
member gets 403 on their own branch; another branch's secretary gets 404;
the residence branch sees its incoming members but cannot end or change
their registration."""

import pytest
from django.test import Client

from branches.models import ResidenceRegistration
from tests.branches import conftest as branch_life

pytestmark = pytest.mark.django_db

life, as_member = branch_life.life, branch_life.as_member


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def paths(branch, registration):
    base = f"/api/branches/{branch.pk}/residence/"
    return [("get", base), ("post", base), ("post", f"{base}{registration.pk}/end/")]


@pytest.fixture
def registration(life):
    return ResidenceRegistration.objects.get(member=life.resident)


def test_anonymous_callers_get_nothing(life, registration):
    for method, path in paths(life.branch_2, registration):
        response = getattr(Client(), method)(path, content_type="application/json")
        assert response.status_code in (401, 403), path
    assert ResidenceRegistration.objects.get().ended_on is None


def test_a_plain_member_is_refused_on_their_own_branch(life, as_member, registration):
    member = as_member(life.other_member)
    body = {"member": life.other_member.pk, "residence_branch": life.branch.code}

    assert member.get(f"/api/branches/{life.branch_2.pk}/residence/").status_code == 403
    assert post(member, f"/api/branches/{life.branch_2.pk}/residence/", body).status_code == 403
    end = f"/api/branches/{life.branch_2.pk}/residence/{registration.pk}/end/"
    assert post(member, end).status_code == 403
    assert ResidenceRegistration.objects.count() == 1
    assert ResidenceRegistration.objects.get().ended_on is None


def test_another_branchs_secretary_finds_nothing(life, as_member, registration):
    stranger = as_member(life.other_secretary)
    body = {"member": life.official.pk, "residence_branch": life.branch_2.code}

    assert stranger.get(f"/api/branches/{life.branch.pk}/residence/").status_code == 404
    assert post(stranger, f"/api/branches/{life.branch.pk}/residence/", body).status_code == 404
    assert ResidenceRegistration.objects.count() == 1


def test_the_residence_branch_cannot_end_or_change_the_members_registration(
    life, as_member, registration
):
    residence_secretary = as_member(life.secretary)
    own = f"/api/branches/{life.branch.pk}/residence/"
    home = f"/api/branches/{life.branch_2.pk}/residence/"

    assert post(residence_secretary, f"{own}{registration.pk}/end/").status_code == 404
    assert post(residence_secretary, f"{home}{registration.pk}/end/").status_code == 404
    moved = post(
        residence_secretary, own, {"member": life.resident.pk, "residence_branch": "DT-X1-C1"}
    )
    assert moved.status_code == 400 and list(moved.json()["fields"]) == ["member"]
    assert residence_secretary.delete(f"{own}{registration.pk}/end/").status_code == 405
    registration.refresh_from_db()
    assert registration.ended_on is None and registration.branch_id == life.branch.pk
