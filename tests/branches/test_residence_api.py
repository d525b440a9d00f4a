"""Residence-place registrations through the API, as the home branch's
secretary uses them: register a member with the branch where they live (by
its code or id), list who is registered elsewhere and who is registered
here, end a registration; refusals name the field, in Vietnamese."""

import datetime

import pytest
from django.utils import timezone

from branches import roles
from branches.models import ResidenceRegistration

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, content_type="application/json", **extra)


def residence_path(branch):
    return f"/api/branches/{branch.pk}/residence/"


def test_a_secretary_registers_a_member_with_the_branch_where_they_live(life, as_member):
    secretary = as_member(life.secretary)
    sent = post(
        secretary,
        residence_path(life.branch),
        {"member": life.official.pk, "residence_branch": life.branch_2.code},
    )

    assert sent.status_code == 201, sent.json()
    made = sent.json()
    assert made["member_name"] == life.official.full_name
    assert made["home_branch"]["code"] == life.branch.code
    assert made["residence_branch"]["code"] == life.branch_2.code
    assert made["started_on"] == timezone.localdate().isoformat()
    assert made["current"] and made["ended_on"] is None
    assert roles.is_on_roll(life.official, life.branch_2)

    mine = secretary.get(residence_path(life.branch)).json()
    theirs = as_member(life.other_secretary).get(residence_path(life.branch_2)).json()
    assert [item["member"] for item in mine["outgoing"]] == [life.official.pk]
    # The resident of branch 2 registered here is seen, read-only, as incoming.
    assert [item["member"] for item in mine["incoming"]] == [life.resident.pk]
    assert mine["incoming"][0]["started_on"] == "2026-01-01"
    assert [item["member"] for item in theirs["incoming"]] == [life.official.pk]
    assert [item["member"] for item in theirs["outgoing"]] == [life.resident.pk]


def test_the_residence_branch_may_be_named_by_its_id(life, as_member):
    sent = post(
        as_member(life.deputy),
        residence_path(life.branch),
        {"member": life.probationary.pk, "residence_branch": str(life.branch_2.pk)},
    )

    assert sent.status_code == 201, sent.json()
    assert sent.json()["residence_branch"]["id"] == life.branch_2.pk


@pytest.mark.parametrize(
    ("who", "where", "field", "message"),
    [
        ("official", "KHONG-CO", "residence_branch", "No branch has this id or code."),
        ("official", "DT-X1", "residence_branch", "Choose an active branch."),
        (
            "official",
            "DT-X1-C1",
            "residence_branch",
            "The residence branch must differ from the member's own branch.",
        ),
        ("other_member", "DT-X1-C2", "member", "Choose an active member of this branch."),
        ("resident", "DT-X1-C2", "member", "Choose an active member of this branch."),
        ("expelled", "DT-X1-C2", "member", "Choose an active member of this branch."),
    ],
)
def test_a_wrong_registration_names_its_field_and_writes_nothing(
    life, as_member, who, where, field, message
):
    body = {"member": getattr(life, who).pk, "residence_branch": where}
    refused = post(as_member(life.secretary), residence_path(life.branch), body, **EN)

    assert refused.status_code == 400
    assert refused.json()["fields"] == {field: [message]}
    assert ResidenceRegistration.objects.count() == 1


def test_a_member_already_registered_is_refused_in_vietnamese(life, as_member):
    secretary = as_member(life.secretary)
    body = {"member": life.official.pk, "residence_branch": life.branch_2.code}
    assert post(secretary, residence_path(life.branch), body).status_code == 201

    again = post(secretary, residence_path(life.branch), body)

    assert again.status_code == 400
    assert list(again.json()["fields"]) == ["member"]
    assert "đã đăng ký" in again.json()["fields"]["member"][0]
    assert ResidenceRegistration.objects.filter(member=life.official).count() == 1


def test_the_home_branch_ends_a_registration_and_the_member_leaves_that_roll(life, as_member):
    registration = ResidenceRegistration.objects.get(member=life.resident)
    home = as_member(life.other_secretary)
    path = f"{residence_path(life.branch_2)}{registration.pk}/end/"

    ended = post(home, path)
    again = post(home, path)

    assert ended.status_code == 200, ended.json()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert ended.json()["ended_on"] == yesterday.isoformat()
    assert not ended.json()["current"]
    assert not roles.is_on_roll(life.resident, life.branch)
    assert again.status_code == 409
    # The member may then be registered again, elsewhere or at the same branch.
    body = {"member": life.resident.pk, "residence_branch": life.branch.code}
    assert post(home, residence_path(life.branch_2), body).status_code == 201


def test_listing_costs_the_same_however_many_registrations(
    life, as_member, django_assert_num_queries
):
    secretary = as_member(life.secretary)
    path = residence_path(life.branch)
    for member in (life.official, life.official_2, life.probationary):
        body = {"member": member.pk, "residence_branch": life.branch_2.code}
        assert post(secretary, path, body).status_code == 201

    secretary.get(path)
    with django_assert_num_queries(6):
        listed = secretary.get(path).json()

    assert len(listed["outgoing"]) == 3 and len(listed["incoming"]) == 1
