"""The Charter's rules for online votes: only official members of the branch
recorded present vote, once; a secret ballot leaves no member-choice link."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import translation

from branches import meetings, voting
from branches.errors import BranchError
from branches.models import Ballot, Meeting, Vote, VoteReceipt

pytestmark = pytest.mark.django_db


def refusal(call, *args, **kwargs):
    """The service's refusal, its message in English (the Vietnamese is in the catalogue)."""
    with translation.override("en"), pytest.raises(BranchError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_an_official_member_recorded_present_votes_once(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua nghị quyết?")

    receipt = voting.cast_ballot(life.official, vote, "approve")
    error = refusal(voting.cast_ballot, life.official, vote, "reject")

    assert receipt.choice == "approve"  # an open vote: said aloud
    assert error.code == "already_voted"
    assert error.messages == ["You have already voted."]
    assert list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["approve"]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("probationary", "Probationary members attend the meeting but have no vote."),
        ("deputy", "Only members recorded present at the meeting may vote."),
        ("resident", "Residence-place members attend this branch but vote in their own."),
    ],
)  # fmt: skip
def test_who_may_not_vote_is_refused(life, in_session, who, message):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?", secret=True)

    error = refusal(voting.cast_ballot, getattr(life, who), vote, "approve")

    assert (error.code, error.messages) == ("not_eligible", [message])
    assert not Ballot.objects.filter(vote=vote).exists()
    assert not VoteReceipt.objects.filter(vote=vote).exists()


def test_a_member_whose_attendance_was_not_recorded_cannot_vote(life, announced):
    vote = voting.open_vote(life.secretary, announced, question="Thông qua?")

    error = refusal(voting.cast_ballot, life.official, vote, "approve")

    assert error.messages == ["Only members recorded present at the meeting may vote."]


def test_a_member_of_another_branch_finds_no_vote(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?")

    assert refusal(voting.cast_ballot, life.other_member, vote, "approve").code == "not_found"


def test_a_bad_choice_names_the_field(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?")

    error = refusal(voting.cast_ballot, life.official, vote, "yes")

    assert (error.code, error.field) == ("invalid", "choice")


def test_defaults_need_more_than_half_of_the_official_members_present(life, in_session):
    # Eligible: the secretary and two official members (the probationary and
    # residence members are present but have no vote here; the deputy is excused).
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?")
    assert (vote.quorum_percent, vote.threshold_percent) == (50, 50)
    voting.cast_ballot(life.official, vote, "approve")

    alone = voting.close_vote(life.secretary, vote)

    assert (alone.eligible_count, alone.cast_count, alone.approve_count) == (3, 1, 1)
    assert (alone.quorum_met, alone.passed) == (False, False)

    second = voting.open_vote(life.secretary, in_session, question="Lần hai?")
    voting.cast_ballot(life.official, second, "approve")
    voting.cast_ballot(life.official_2, second, "approve")
    voting.cast_ballot(life.secretary, second, "reject")
    counted = voting.close_vote(life.secretary, second)

    assert (counted.approve_count, counted.reject_count, counted.abstain_count) == (2, 1, 0)
    assert (counted.quorum_met, counted.passed) == (True, True)


@pytest.mark.parametrize(("threshold", "passed"), [(66, True), (67, False)])
def test_the_threshold_is_configurable(life, in_session, threshold, passed):
    vote = voting.open_vote(
        life.secretary, in_session, question="Hai phần ba?", threshold_percent=threshold
    )
    voting.cast_ballot(life.official, vote, "approve")
    voting.cast_ballot(life.official_2, vote, "approve")
    voting.cast_ballot(life.secretary, vote, "abstain")

    assert voting.close_vote(life.secretary, vote).passed is passed


def test_a_quorum_out_of_range_names_the_field(life, in_session):
    error = refusal(voting.open_vote, life.secretary, in_session, question="?", quorum_percent=100)

    assert (error.code, error.field) == ("invalid", "quorum_percent")


def test_only_the_branch_secretary_opens_a_vote_on_its_own_agenda(life, in_session):
    other = meetings.create_meeting(
        life.other_secretary,
        life.branch_2,
        title="Họp chi bộ 2",
        starts_at=in_session.starts_at,
        place="Hội trường",
        agenda=["Việc khác"],
    )

    member_refused = refusal(voting.open_vote, life.official, in_session, question="?")
    stranger_refused = refusal(voting.open_vote, life.other_secretary, in_session, question="?")
    wrong_item = refusal(
        voting.open_vote,
        life.secretary,
        in_session,
        question="?",
        agenda_item=other.agenda.get(),
    )

    assert member_refused.code == "role_required"
    assert stranger_refused.code == "not_found"
    assert (wrong_item.code, wrong_item.field) == ("invalid", "agenda_item")


def test_closing_the_meeting_closes_and_counts_its_votes(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Thông qua?", secret=True)
    voting.cast_ballot(life.official, vote, "approve")

    meetings.close_meeting(life.secretary, in_session, minutes="Biên bản", resolution="NQ")
    vote.refresh_from_db()

    assert (vote.state, vote.approve_count, vote.eligible_count) == ("closed", 1, 3)
    assert refusal(voting.cast_ballot, life.official_2, vote, "approve").code == "closed"


def test_a_secret_ballot_links_no_member_to_a_choice(life, in_session):
    vote = voting.open_vote(life.secretary, in_session, question="Bầu bí thư?", secret=True)
    for member, choice in [
        (life.secretary, "approve"),
        (life.official, "reject"),
        (life.official_2, "abstain"),
    ]:
        voting.cast_ballot(member, vote, choice)
    cast_ids = set(Ballot.objects.filter(vote=vote).values_list("pk", flat=True))

    voting.close_vote(life.secretary, vote)

    # The ballot table has no member, no time, no serial: only a random key,
    # the vote and the choice.
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, Ballot._meta.db_table
            )
        }
    assert columns == {"id", "vote_id", "choice"}
    assert not [f for f in Ballot._meta.get_fields() if f.is_relation and f.name != "vote"]
    ballots = list(Ballot.objects.filter(vote=vote))
    assert all(ballot.pk.version == 4 for ballot in ballots)
    assert sorted(ballot.choice for ballot in ballots) == ["abstain", "approve", "reject"]
    # Closing wrote the ballots again, in a shuffled order: the keys and the
    # table's order they were cast in are gone.
    assert cast_ids.isdisjoint(ballot.pk for ballot in ballots)
    # The receipts say who voted, never what.
    receipts = VoteReceipt.objects.filter(vote=vote)
    assert receipts.count() == 3
    assert set(receipts.values_list("choice", flat=True)) == {""}


@pytest.mark.django_db(transaction=True)
def test_two_ballots_sent_at_once_by_one_member_count_once(life):
    meeting = meetings.publish_meeting(
        life.secretary,
        meetings.create_meeting(
            life.secretary,
            life.branch,
            title="Họp",
            starts_at=Meeting._meta.get_field("starts_at").to_python("2026-12-10T08:00:00+07:00"),
            place="Hội trường",
        ),
    )
    meetings.record_attendance(life.secretary, meeting, {life.official.pk: "present"})
    vote = voting.open_vote(life.secretary, meeting, question="Thông qua?", secret=True)
    start = threading.Barrier(4)
    outcomes = []

    def send(choice):
        try:
            start.wait()
            voting.cast_ballot(life.official, Vote(pk=vote.pk), choice)
            outcomes.append("counted")
        except BranchError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=send, args=(choice,))
        for choice in ("approve", "reject", "approve", "abstain")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_voted"] * 3 + ["counted"]
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert VoteReceipt.objects.filter(vote=vote).count() == 1
    assert isinstance(Ballot.objects.get(vote=vote).pk, uuid.UUID)
