"""Meetings, attendance, ratings, residence-place members and the
secretary's scope, at the service layer (``branches.meetings``)."""

import datetime

import pytest
from django.utils import translation

from branches import meetings, requests, residence, roles
from branches.errors import BranchError
from branches.models import MeetingRating, Notification, ResidenceRegistration
from tests.branches.conftest import new_meeting

pytestmark = pytest.mark.django_db


def refusal(call, *args, **kwargs):
    with translation.override("en"), pytest.raises(BranchError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_roll_is_the_active_members_and_the_residence_members(life):
    usernames = set(roles.roll(life.branch).values_list("user__username", flat=True))

    assert usernames == {"bi-thu", "pho-bi-thu", "dang-vien", "dang-vien-2", "du-bi", "noi-cu-tru"}
    assert "noi-cu-tru" in set(roles.roll(life.branch_2).values_list("user__username", flat=True))


def test_an_ended_residence_registration_takes_the_member_off_the_roll(life):
    registration = ResidenceRegistration.objects.get(member=life.resident)

    residence.end_residence(life.other_secretary, registration, ended_on=datetime.date(2026, 2, 1))

    assert not roles.is_on_roll(life.resident, life.branch)
    # The residence branch's secretary does not manage the member's registration.
    assert refusal(residence.end_residence, life.secretary, registration).code == "role_required"


def test_the_residence_branch_records_attendance_but_cannot_change_the_record(life, announced):
    meetings.record_attendance(life.secretary, announced, {life.resident.pk: "present"})

    error = refusal(
        requests.request_status_change,
        life.secretary,
        life.branch,
        target=life.resident,
        new_status="struck_off",
    )

    assert announced.attendance.get(member=life.resident).status == "present"
    assert (error.code, error.field) == ("invalid", "member")


def test_attendance_is_only_for_the_roll_and_names_the_member(life, announced):
    error = refusal(
        meetings.record_attendance, life.secretary, announced, {life.other_member.pk: "present"}
    )

    assert (error.code, error.field) == ("invalid", f"attendance.{life.other_member.pk}")
    assert error.messages == ["This member is not on the branch's roll."]
    assert not announced.attendance.exists()


def test_a_draft_changes_silently_and_an_announced_meeting_tells_the_roll(life):
    draft = new_meeting(life.secretary, life.branch)
    meetings.update_meeting(life.secretary, draft, place="Trụ sở thôn")
    assert not Notification.objects.exists()

    meetings.publish_meeting(life.secretary, draft)
    meetings.update_meeting(life.secretary, draft, title="Tên mới")  # not time or place
    meetings.update_meeting(life.secretary, draft, place="Hội trường xã")
    meetings.cancel_meeting(life.secretary, draft)

    kinds = Notification.objects.filter(user=life.official.user).values_list("kind", flat=True)
    assert sorted(kinds) == ["meeting_cancelled", "meeting_changed", "meeting_notice"]
    # Members left (expelled) and other branches hear nothing.
    assert not Notification.objects.filter(user__in=[life.expelled.user, life.other_member.user])


def test_times_and_place_are_checked_by_field(life):
    starts = datetime.datetime(2026, 12, 10, 8, tzinfo=datetime.UTC)

    backwards = refusal(
        new_meeting,
        life.secretary,
        life.branch,
        starts_at=starts,
        ends_at=starts - datetime.timedelta(hours=1),
    )
    nowhere = refusal(new_meeting, life.secretary, life.branch, place="  ")

    assert (backwards.field, backwards.messages) == (
        "ends_at",
        ["The meeting cannot end before it starts."],
    )
    assert nowhere.field == "place"


def test_a_secretary_runs_only_their_own_branch(life):
    error = refusal(new_meeting, life.secretary, life.branch_2)
    theirs = new_meeting(life.other_secretary, life.branch_2)

    assert error.code == "role_required"
    assert refusal(meetings.publish_meeting, life.secretary, theirs).code == "not_found"
    assert refusal(new_meeting, life.official, life.branch).code == "role_required"
    assert new_meeting(life.deputy, life.branch).branch == life.branch


def test_the_committee_above_rates_a_held_meeting_once_and_may_revise(life, in_session):
    early = refusal(meetings.rate_meeting, life.committee, in_session, "tot")
    meetings.close_meeting(life.secretary, in_session, minutes="Biên bản", resolution="")

    meetings.rate_meeting(life.committee, in_session, "kha", "Cần chuẩn bị kỹ hơn")
    meetings.rate_meeting(life.committee, in_session, "tot", "Đã bổ sung")

    assert early.code == "not_open"
    rating = MeetingRating.objects.get(meeting=in_session)
    assert (rating.grade, rating.comment, rating.unit) == (
        "tot",
        "Đã bổ sung",
        life.tree.grassroots,
    )
    assert (
        refusal(meetings.rate_meeting, life.secretary, in_session, "tot").code == "role_required"
    )
    assert refusal(meetings.rate_meeting, life.other_committee, in_session, "tot").code == (
        "not_found"
    )
    bad = refusal(meetings.rate_meeting, life.committee, in_session, "excellent")
    assert (bad.code, bad.field) == ("invalid", "grade")


def test_a_closed_meeting_needs_minutes_and_cannot_be_answered_again(life, in_session):
    no_minutes = refusal(meetings.close_meeting, life.secretary, in_session, minutes=" ")
    meetings.close_meeting(life.secretary, in_session, minutes="Biên bản")

    late = refusal(meetings.answer_notice, life.official, in_session, "attending")

    assert no_minutes.field == "minutes"
    assert late.code == "closed"
    assert refusal(meetings.record_attendance, life.secretary, in_session, {}).code == "closed"


def test_a_new_member_request_checks_the_card_number_by_field(life):
    taken = refusal(
        requests.request_new_member,
        life.secretary,
        life.branch,
        full_name="Người Mới",
        username="nguoi-moi",
        card_number=life.official.card_number,
    )
    requests.request_new_member(
        life.secretary, life.branch, full_name="Người Mới", username="moi", card_number="123"
    )
    twice = refusal(
        requests.request_new_member,
        life.secretary,
        life.branch,
        full_name="Người Khác",
        username="khac",
        card_number="123",
    )

    assert (taken.field, twice.field) == ("card_number", "card_number")
    assert taken.messages == ["A member with this party card number already exists."]
