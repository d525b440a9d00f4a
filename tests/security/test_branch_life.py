"""Branch life's refusals: what a caller may not read or do is refused, and
what they may not know exists answers 404 as if it did not exist.

Anonymous callers, members of another branch, probationary members voting,
members who are not secretaries, a secretary of branch A acting on branch B,
and a member reading another member's notifications or tasks."""

import pytest
from django.test import Client

from branches import assignments, meetings, voting
from branches.models import Meeting, MeetingState, Notification
from tests.branches import conftest as branch_life
from tests.branches.conftest import bearer, new_meeting

pytestmark = pytest.mark.django_db

# The branch's people and meetings (tests/branches/conftest.py), as fixtures here.
life, announced, in_session = branch_life.life, branch_life.announced, branch_life.in_session
as_member = branch_life.as_member


STARTS = "2026-12-20T08:00:00Z"


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


@pytest.fixture
def other_meeting(life):
    """An announced meeting of the sibling branch."""
    return meetings.publish_meeting(
        life.other_secretary, new_meeting(life.other_secretary, life.branch_2)
    )


def member_paths(meeting, vote=None):
    base = f"/api/meetings/{meeting.pk}"
    paths = [("get", f"{base}/"), ("post", f"{base}/rsvp/")]
    if vote is not None:
        paths.append(("post", f"{base}/votes/{vote.pk}/ballot/"))
    return paths


def test_anonymous_callers_get_nothing(life, announced):
    anonymous = Client()
    paths = [
        ("get", "/api/meetings/"),
        ("post", "/api/meetings/"),
        ("get", f"/api/meetings/{announced.pk}/"),
        ("post", f"/api/meetings/{announced.pk}/rsvp/"),
        ("get", "/api/tasks/"),
        ("get", "/api/notifications/"),
        ("post", "/api/notifications/read-all/"),
        ("get", f"/api/branches/{life.branch.pk}/members/"),
        ("get", "/api/membership-requests/"),
    ]
    for method, path in paths:
        response = getattr(anonymous, method)(path, content_type="application/json")
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def test_a_member_of_another_branch_cannot_see_or_answer_a_meeting(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?")
    stranger = bearer(life.other_member)

    for method, path in member_paths(in_session, vote):
        response = getattr(stranger, method)(
            path, {"answer": "attending", "choice": "approve"}, content_type="application/json"
        )
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert stranger.get("/api/meetings/").json() == []


def test_a_draft_is_hidden_from_the_branch_members(life, as_member):
    draft = new_meeting(life.secretary, life.branch)

    assert as_member(life.official).get(f"/api/meetings/{draft.pk}/").status_code == 404
    assert as_member(life.official).get("/api/meetings/").json() == []
    assert as_member(life.deputy).get(f"/api/meetings/{draft.pk}/").status_code == 200


def test_a_probationary_member_cannot_vote(life, in_session, as_member):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?")

    response = post(
        as_member(life.probationary),
        f"/api/meetings/{in_session.pk}/votes/{vote.pk}/ballot/",
        {"choice": "approve"},
    )

    assert (response.status_code, response.json()["code"]) == (403, "not_eligible")
    assert not vote.ballots.exists()


def test_a_member_who_is_not_secretary_cannot_run_the_branch(life, announced, as_member):
    member = as_member(life.official)
    base = f"/api/meetings/{announced.pk}"

    create = post(
        member,
        "/api/meetings/",
        {
            "branch": life.branch.pk,
            "title": "X",
            "starts_at": "2026-12-20T08:00:00Z",
            "place": "Y",
        },
    )
    refused = [
        create,
        post(member, f"{base}/attendance/", {"attendance": {str(life.official.pk): "present"}}),
        post(member, f"{base}/votes/", {"question": "?"}),
        post(member, f"{base}/close/", {"minutes": "x"}),
        post(member, f"{base}/cancel/"),
        member.patch(f"{base}/", {"place": "Khác"}, content_type="application/json"),
        post(member, "/api/tasks/", {"branch": life.branch.pk, "title": "T", "members": [1]}),
        member.get(f"/api/branches/{life.branch.pk}/members/"),
        member.get(f"/api/branches/{life.branch.pk}/requests/"),
        post(member, f"{base}/rating/", {"grade": "kem"}),
    ]

    assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "role_required")] * 10
    assert Meeting.objects.count() == 1
    announced.refresh_from_db()
    assert (announced.state, announced.place) == (MeetingState.PUBLISHED, "Nhà văn hoá thôn")


def test_a_secretary_of_branch_a_cannot_act_on_branch_b(life, other_meeting, as_member):
    secretary = as_member(life.secretary)
    base = f"/api/meetings/{other_meeting.pk}"
    theirs = life.other_member.pk
    branch_b = f"/api/branches/{life.branch_2.pk}"

    refused = [
        post(
            secretary,
            "/api/meetings/",
            {
                "branch": life.branch_2.pk,
                "title": "X",
                "starts_at": STARTS,
                "place": "Y",
            },
        ),
        secretary.get(f"{base}/"),
        post(secretary, f"{base}/publish/"),
        post(secretary, f"{base}/attendance/", {"attendance": {str(theirs): "present"}}),
        post(secretary, f"{base}/votes/", {"question": "?"}),
        post(secretary, f"{base}/close/", {"minutes": "x"}),
        post(
            secretary,
            "/api/tasks/",
            {"branch": life.branch_2.pk, "title": "T", "members": [theirs]},
        ),
        secretary.get(f"/api/tasks/?branch={life.branch_2.pk}"),
        secretary.get(f"{branch_b}/members/"),
        post(
            secretary,
            f"{branch_b}/requests/",
            {"kind": "new_member", "full_name": "A", "username": "a"},
        ),
        post(secretary, f"{branch_b}/members/{theirs}/sign-in-code/"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in refused] == [(404, "not_found")] * 11
    # Nor can branch A's task go to branch B's member.
    wrong_member = post(
        secretary,
        "/api/tasks/",
        {"branch": life.branch.pk, "title": "T", "members": [life.other_member.pk]},
    )
    assert (wrong_member.status_code, list(wrong_member.json()["fields"])) == (400, ["members"])


def test_the_residence_branch_cannot_change_a_residence_members_record(life, as_member):
    response = post(
        as_member(life.secretary),
        f"/api/branches/{life.branch.pk}/requests/",
        {"kind": "status_change", "member": life.resident.pk, "new_status": "struck_off"},
    )

    assert (response.status_code, list(response.json()["fields"])) == (400, ["member"])


def test_only_the_committee_directly_above_decides_and_rates(life, announced, as_member):
    request = post(
        as_member(life.secretary),
        f"/api/branches/{life.branch.pk}/requests/",
        {"kind": "new_member", "full_name": "Người Mới", "username": "nguoi-moi"},
    ).json()
    path = f"/api/membership-requests/{request['id']}/decision/"

    secretary = post(as_member(life.secretary), path, {"approve": True})
    other_committee = post(as_member(life.other_committee), path, {"approve": True})

    assert (secretary.status_code, secretary.json()["code"]) == (403, "role_required")
    assert other_committee.status_code == 404
    assert as_member(life.other_committee).get("/api/membership-requests/").json() == []
    meetings.close_meeting(life.secretary, announced, minutes="Biên bản")
    rating = post(
        as_member(life.other_committee), f"/api/meetings/{announced.pk}/rating/", {"grade": "kem"}
    )
    assert rating.status_code == 404


def test_a_member_cannot_read_or_mark_another_members_notifications_or_tasks(
    life, announced, as_member
):
    theirs = Notification.objects.get(user=life.official.user)
    task = assignments.assign_task(
        life.secretary, life.branch, title="Việc", member_ids=[life.official.pk]
    )
    assignment = task.assignments.get()
    snoop = as_member(life.official_2)

    marked = post(snoop, f"/api/notifications/{theirs.pk}/read/")
    post(snoop, "/api/notifications/read-all/")
    listed = snoop.get("/api/notifications/").json()["items"]
    task_read = snoop.get(f"/api/tasks/{assignment.pk}/")
    task_changed = snoop.patch(
        f"/api/tasks/{assignment.pk}/", {"status": "done"}, content_type="application/json"
    )

    assert marked.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert all(item["id"] != theirs.pk for item in listed)
    assert (task_read.status_code, task_changed.status_code) == (404, 404)
    assignment.refresh_from_db()
    assert assignment.status == "todo"


def test_a_secretary_gives_sign_in_codes_only_within_the_security_rule(life, as_member):
    # A branch secretary who is not a board head above the member may not
    # take over their account (editorial.permissions.can_reset_sign_in).
    response = post(
        as_member(life.secretary),
        f"/api/branches/{life.branch.pk}/members/{life.official.pk}/sign-in-code/",
    )

    assert (response.status_code, response.json()["code"]) == (403, "role_required")
    assert not life.official.user.sign_in_codes.exists()
