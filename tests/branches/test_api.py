"""Branch life through the API, as the reader app uses it: a secretary
prepares and announces a meeting, members answer and vote, the meeting is
closed and rated; tasks; notifications; the secretary's roll and requests."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from PIL import Image as PILImage

from branches import assignments, meetings, voting
from branches.models import Meeting, Notification
from content_types.factories import publish_news
from editorial.models import Member, MemberStatus
from tests.content_types.test_documents import make_pdf

from .conftest import new_meeting

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MULTIPART = MULTIPART_CONTENT
#: The branch's roll: its active members and its residence-place member.
ROLL = {"bi-thu", "pho-bi-thu", "dang-vien", "dang-vien-2", "du-bi", "noi-cu-tru"}


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, content_type="application/json", **extra)


def test_a_secretary_prepares_and_announces_a_meeting(
    life, as_member, django_capture_on_commit_callbacks
):
    secretary = as_member(life.secretary)
    starts = (timezone.now() + datetime.timedelta(days=5)).replace(microsecond=0)

    created = post(
        secretary,
        "/api/meetings/",
        {
            "branch": life.branch.pk,
            "kind": "thematic",
            "title": "Chuyên đề học tập",
            "starts_at": starts.isoformat(),
            "place": "Nhà văn hoá",
            "agenda": ["Quán triệt nghị quyết", "Thảo luận"],
        },
    )
    assert created.status_code == 201, created.json()
    meeting = created.json()
    assert [item["title"] for item in meeting["agenda"]] == ["Quán triệt nghị quyết", "Thảo luận"]
    assert meeting["state"] == "draft"
    # A draft is the secretaries' own.
    assert as_member(life.official).get(f"/api/meetings/{meeting['id']}/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        published = post(secretary, f"/api/meetings/{meeting['id']}/publish/")

    assert published.status_code == 200
    notified = set(Notification.objects.values_list("user__username", "kind"))
    assert notified == {(username, "meeting_notice") for username in ROLL}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"{username}@example.org" for username in ROLL
    )
    listed = as_member(life.resident).get("/api/meetings/").json()
    assert [item["id"] for item in listed] == [meeting["id"]]


def test_changing_the_time_of_an_announced_meeting_tells_the_roll(life, announced, as_member):
    later = announced.starts_at + datetime.timedelta(hours=2)

    response = as_member(life.secretary).patch(
        f"/api/meetings/{announced.pk}/",
        {"starts_at": later.isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    changed = Notification.objects.filter(kind="meeting_changed")
    assert changed.count() == 6
    assert changed.filter(user=life.official.user, link=f"/api/meetings/{announced.pk}/").exists()


def test_members_answer_the_notice_and_an_absence_needs_a_reason(life, announced, as_member):
    member = as_member(life.official)
    path = f"/api/meetings/{announced.pk}/rsvp/"

    missing = post(member, path, {"answer": "absent"}, **EN)
    given = post(member, path, {"answer": "absent", "reason": "Đi công tác"})

    assert missing.status_code == 400
    assert missing.json()["fields"] == {"reason": ["Give the reason you will be absent."]}
    assert given.json() == {"answer": "absent", "reason": "Đi công tác"}
    detail = member.get(f"/api/meetings/{announced.pk}/").json()
    assert (detail["my_rsvp"], detail["my_reason"], detail["roll"]) == (
        "absent",
        "Đi công tác",
        None,
    )
    roll = as_member(life.secretary).get(f"/api/meetings/{announced.pk}/").json()["roll"]
    assert {row["id"]: row["rsvp"] for row in roll}[life.official.pk] == "absent"
    assert {row["id"]: row["residence"] for row in roll}[life.resident.pk] is True


def test_a_meeting_held_with_a_secret_vote_and_rated(life, announced, as_member):
    secretary = as_member(life.secretary)
    base = f"/api/meetings/{announced.pk}"
    attendance = {
        str(life.secretary.pk): "present",
        str(life.official.pk): "present",
        str(life.official_2.pk): "unexcused",
        str(life.probationary.pk): "present",
    }
    assert post(secretary, f"{base}/attendance/", {"attendance": attendance}).status_code == 200
    item = announced.agenda.first()
    opened = post(
        secretary,
        f"{base}/votes/",
        {"question": "Kết nạp quần chúng A?", "agenda_item": item.pk, "secret": True},
    )
    assert opened.status_code == 201, opened.json()
    vote = opened.json()["id"]

    cast = post(as_member(life.official), f"{base}/votes/{vote}/ballot/", {"choice": "approve"})
    again = post(as_member(life.official), f"{base}/votes/{vote}/ballot/", {"choice": "reject"})
    probationary = post(
        as_member(life.probationary), f"{base}/votes/{vote}/ballot/", {"choice": "approve"}
    )
    absent = post(as_member(life.official_2), f"{base}/votes/{vote}/ballot/", {"choice": "reject"})
    post(secretary, f"{base}/votes/{vote}/ballot/", {"choice": "approve"})

    assert cast.status_code == 201 and cast.json() == {"vote": vote, "voted": True, "choice": None}
    assert (again.status_code, again.json()["code"]) == (409, "already_voted")
    assert (probationary.status_code, probationary.json()["code"]) == (403, "not_eligible")
    assert (absent.status_code, absent.json()["code"]) == (403, "not_eligible")
    while_open = as_member(life.official).get(f"{base}/").json()["votes"][0]
    assert (while_open["voted"], while_open["i_voted"], while_open["result"]) == (2, True, None)

    closed = post(secretary, f"{base}/close/", {"minutes": "Biên bản họp", "resolution": "NQ 1"})
    assert closed.status_code == 200
    result = closed.json()["votes"][0]["result"]
    assert result == {
        "eligible": 2,
        "cast": 2,
        "approve": 2,
        "reject": 0,
        "abstain": 0,
        "quorum_met": True,
        "passed": True,
    }

    rated = post(as_member(life.committee), f"{base}/rating/", {"grade": "tot", "comment": "Tốt"})
    assert rated.status_code == 200, rated.json()
    assert rated.json()["unit"]["code"] == life.tree.grassroots.code
    detail = as_member(life.official).get(f"{base}/").json()
    assert (detail["state"], detail["minutes"], detail["rating"]["grade"]) == (
        "held",
        "Biên bản họp",
        "tot",
    )
    assert as_member(life.committee).get(f"{base}/").json()["can_rate"] is True


def test_tasks_are_assigned_reported_and_reminded_when_overdue(life, as_member):
    due = timezone.localdate() + datetime.timedelta(days=2)
    assigned = post(
        as_member(life.secretary),
        "/api/tasks/",
        {
            "branch": life.branch.pk,
            "title": "Thu đảng phí quý IV",
            "due_on": due.isoformat(),
            "members": [life.official.pk, life.resident.pk],
        },
    )
    assert assigned.status_code == 201, assigned.json()
    mine = as_member(life.official).get("/api/tasks/").json()
    assert [(item["title"], item["status"]) for item in mine] == [("Thu đảng phí quý IV", "todo")]
    assert Notification.objects.filter(kind="task_assigned", link=f"/api/tasks/{mine[0]['id']}/")

    reported = as_member(life.official).patch(
        f"/api/tasks/{mine[0]['id']}/",
        {"status": "done", "report": "Đã thu đủ"},
        content_type="application/json",
    )
    assert reported.json()["status"] == "done"
    assert as_member(life.official_2).get(f"/api/tasks/{mine[0]['id']}/").status_code == 404

    assert (
        assignments.remind_overdue(due + datetime.timedelta(days=1)) == 1
    )  # the resident's, not done
    assert assignments.remind_overdue(due + datetime.timedelta(days=2)) == 0  # once only
    overdue = Notification.objects.get(kind="task_overdue")
    assert overdue.user == life.resident.user
    board = as_member(life.secretary).get(f"/api/tasks/?branch={life.branch.pk}").json()
    assert {(item["member"], item["status"]) for item in board} == {
        (life.official.pk, "done"),
        (life.resident.pk, "todo"),
    }


def test_notifications_are_listed_and_marked_read(life, announced, as_member):
    member = as_member(life.official)

    listed = member.get("/api/notifications/").json()
    one = post(member, f"/api/notifications/{listed['items'][0]['id']}/read/")
    everything = post(member, "/api/notifications/read-all/")

    assert listed["unread"] == 1 and listed["items"][0]["kind"] == "meeting_notice"
    assert one.json()["read_at"] is not None
    assert everything.json() == {"marked": 0}
    assert member.get("/api/notifications/").json()["unread"] == 0


def test_the_secretary_sees_the_roll_and_who_has_signed_in(life, as_member):
    life.official.user.last_login = timezone.now()
    life.official.user.save(update_fields=["last_login"])

    roll = as_member(life.secretary).get(f"/api/branches/{life.branch.pk}/members/").json()

    by_name = {row["username"]: row for row in roll}
    assert set(by_name) == {
        "bi-thu",
        "pho-bi-thu",
        "dang-vien",
        "dang-vien-2",
        "du-bi",
        "noi-cu-tru",
    }
    assert by_name["dang-vien"]["has_signed_in"] is True
    assert by_name["dang-vien-2"]["has_signed_in"] is False
    assert by_name["noi-cu-tru"]["residence"] is True


@pytest.mark.parametrize(("card", "status"), [("", "probationary"), ("99112233", "official")])
def test_a_new_member_request_is_approved_by_the_committee_above(life, as_member, card, status):
    requested = post(
        as_member(life.secretary),
        f"/api/branches/{life.branch.pk}/requests/",
        {
            "kind": "new_member",
            "full_name": "Nguyễn Văn Mới",
            "username": "moi",
            "card_number": card,
        },
    )
    assert requested.status_code == 201, requested.json()
    waiting = as_member(life.committee).get("/api/membership-requests/").json()
    assert [(item["username"], item["state"]) for item in waiting] == [("moi", "pending")]

    decided = post(
        as_member(life.committee),
        f"/api/membership-requests/{requested.json()['id']}/decision/",
        {"approve": True},
    )

    assert decided.status_code == 200, decided.json()
    made = Member.objects.get(user__username="moi")
    assert (made.branch, made.status, made.card_number or "") == (life.branch, status, card)


def test_a_status_change_is_approved_and_a_taken_username_is_named(life, as_member):
    secretary = as_member(life.secretary)
    taken = post(
        secretary,
        f"/api/branches/{life.branch.pk}/requests/",
        {"kind": "new_member", "full_name": "Trùng", "username": "dang-vien"},
        **EN,
    )
    change = post(
        secretary,
        f"/api/branches/{life.branch.pk}/requests/",
        {"kind": "status_change", "member": life.official_2.pk, "new_status": "transferred"},
    )
    post(
        as_member(life.committee),
        f"/api/membership-requests/{change.json()['id']}/decision/",
        {"approve": True},
    )

    assert taken.json()["fields"] == {"username": ["This username is already taken."]}
    life.official_2.refresh_from_db()
    assert life.official_2.status == MemberStatus.TRANSFERRED


def test_a_page_material_is_listed_only_to_readers_of_the_page(life, announced, as_member):
    page = publish_news(life.tree.province, "Nghị quyết mới")
    added = post(
        as_member(life.secretary), f"/api/meetings/{announced.pk}/materials/", {"page": page.pk}
    )

    assert added.status_code == 201, added.json()
    materials = as_member(life.official).get(f"/api/meetings/{announced.pk}/").json()["materials"]
    assert [(item["title"], item["page"]) for item in materials] == [("Nghị quyết mới", page.pk)]


def test_a_file_material_is_uploaded_and_served_to_the_roll(life, announced, as_member):

    upload = SimpleUploadedFile("tai-lieu.pdf", make_pdf("Tai lieu"), "application/pdf")
    added = as_member(life.secretary).post(
        f"/api/meetings/{announced.pk}/materials/", {"file": upload, "title": "Tài liệu họp"}
    )
    assert added.status_code == 201, added.json()
    url = added.json()["materials"][0]["url"]

    served = as_member(life.resident).get(url)
    stranger = as_member(life.other_member).get(url)

    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    assert stranger.status_code == 404


def test_the_committee_above_lists_its_branches_meetings_to_rate_them(life, announced, as_member):
    draft = new_meeting(life.secretary, life.branch, title="Bản nháp")
    meetings.close_meeting(life.secretary, announced, minutes="Biên bản")

    listed = as_member(life.committee).get("/api/meetings/").json()
    other = as_member(life.other_committee).get("/api/meetings/").json()

    assert [(item["id"], item["state"]) for item in listed] == [(announced.pk, "held")]
    assert draft.pk not in {item["id"] for item in listed}
    assert other == []
    detail = as_member(life.committee).get(f"/api/meetings/{announced.pk}/").json()
    assert (detail["can_rate"], detail["is_secretary"], detail["roll"]) == (True, False, None)
    assert detail["can_answer"] is False  # not on the branch's roll


def test_the_roll_may_answer_an_announced_meeting_and_nobody_else(life, announced, as_member):
    path = f"/api/meetings/{announced.pk}/"
    assert as_member(life.official).get(path).json()["can_answer"] is True
    assert as_member(life.resident).get(path).json()["can_answer"] is True
    assert as_member(life.committee).get(path).json()["can_answer"] is False


def test_listing_and_detail_cost_the_same_however_many_meetings_and_votes(
    life, in_session, as_member, django_assert_max_num_queries
):
    member = as_member(life.official)
    for number in range(4):
        meeting = meetings.create_meeting(
            life.secretary,
            life.branch,
            title=f"Họp {number}",
            starts_at=timezone.now(),
            place="Hội trường",
            agenda=["A", "B", "C"],
        )
        meetings.publish_meeting(life.secretary, meeting)
        vote = voting.open_vote(life.secretary, in_session, question=f"Câu {number}")
        voting.cast_ballot(life.official, vote, "approve")
    assert Meeting.objects.count() == 5

    with django_assert_max_num_queries(8):
        assert len(member.get("/api/meetings/").json()) == 5
    with django_assert_max_num_queries(15):
        assert len(member.get(f"/api/meetings/{in_session.pk}/").json()["votes"]) == 4


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 24), (10, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_task_report_carries_a_photo_checked_by_its_content(life, as_member):
    task = assignments.assign_task(
        life.secretary, life.branch, title="Chụp ảnh buổi lao động", member_ids=[life.official.pk]
    )
    path = f"/api/tasks/{task.assignments.get().pk}/"
    member = as_member(life.official)

    photo = SimpleUploadedFile("anh.png", png_bytes(), "image/png")
    body = encode_multipart(BOUNDARY, {"report_photo": photo, "status": "done"})
    sent = member.patch(path, body, content_type=MULTIPART)
    fake = SimpleUploadedFile("anh.png", make_pdf("Not a photo"), "image/png")
    body = encode_multipart(BOUNDARY, {"report_photo": fake})
    refused = member.patch(path, body, content_type=MULTIPART)

    assert sent.status_code == 200, sent.json()
    assert sent.json()["report_photo"] is not None and sent.json()["status"] == "done"
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["report_photo"]
