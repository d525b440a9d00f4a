"""``seed_demo_branch_life``: the demo's branch life, safe to re-run."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.documents import get_document_model

from branches.models import (
    Attendance,
    Ballot,
    Meeting,
    MeetingMaterial,
    MembershipRequest,
    Notification,
    ResidenceRegistration,
    Task,
    TaskAssignment,
    Vote,
    VoteReceipt,
)
from content_types.factories import publish_document
from editorial.models import BoardMembership, BoardRole, CommitteeRole, MemberStatus
from editorial.provisioning import add_board_member
from tests.branches.conftest import give_office, make_member

pytestmark = pytest.mark.django_db

COUNTED = [
    Meeting,
    MeetingMaterial,
    Attendance,
    Vote,
    Ballot,
    VoteReceipt,
    Task,
    TaskAssignment,
    ResidenceRegistration,
    MembershipRequest,
    Notification,
    CommitteeRole,
    BoardMembership,
    get_document_model(),
]


@pytest.fixture
def demo_world(unit_tree):
    """Two branches with secretaries and members, the grassroots board's
    approver (a member, no office yet) and a published document."""
    secretary = make_member(unit_tree.branch, "tn-bi-thu")
    give_office(secretary, unit_tree.branch)
    for number in range(4):
        make_member(unit_tree.branch, f"tn-dang-vien-{number}")
    make_member(unit_tree.branch, "tn-du-bi", MemberStatus.PROBATIONARY)
    give_office(make_member(unit_tree.branch_2, "tn-bi-thu-2"), unit_tree.branch_2)
    make_member(unit_tree.branch_2, "tn-dang-vien-c2")
    approver = make_member(unit_tree.branch_2, "tn-dang-uy")
    add_board_member(unit_tree.grassroots, approver.user, BoardRole.APPROVER)
    publish_document(unit_tree.grassroots, "05-NQ/ĐU", title="Nghị quyết Đảng ủy xã")
    return unit_tree


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_the_demo_seeds_branch_life_and_a_rerun_changes_nothing(demo_world):
    out = StringIO()
    call_command("seed_demo_branch_life", stdout=out)
    first = counts()
    call_command("seed_demo_branch_life", stdout=StringIO())

    assert counts() == first
    past = Meeting.objects.get(title__startswith="Sinh hoạt chi bộ định kỳ")
    assert (past.state, past.rating.grade, past.branch) == ("held", "tot", demo_world.branch)
    assert past.minutes and past.resolution
    vote = past.votes.get()
    assert vote.secret and vote.state == "closed" and vote.passed
    # five official members, one excused: four vote, one abstains
    assert (vote.eligible_count, vote.approve_count, vote.abstain_count) == (4, 3, 1)
    assert not VoteReceipt.objects.filter(vote=vote).exclude(choice="").exists()
    upcoming = Meeting.objects.get(state="published")
    kinds = [(m.page_id is not None, m.document_id is not None) for m in upcoming.materials.all()]
    assert kinds == [(True, False), (False, True)]
    assert upcoming.materials.last().document.filename.endswith(".pdf")
    statuses = {
        t.title: sorted(t.assignments.values_list("status", flat=True)) for t in Task.objects.all()
    }
    assert statuses["Thu đảng phí quý IV"] == ["done", "done"]
    assert "todo" in statuses["Nộp báo cáo kiểm điểm cá nhân"]
    resident = ResidenceRegistration.objects.get(branch=demo_world.branch).member
    assert resident.branch == demo_world.branch_2
    assert MembershipRequest.objects.get().state == "pending"
    text = out.getvalue()
    assert "tn-bi-thu" in text and "tn-dang-uy" in text
    assert f"branch_month_table {demo_world.grassroots.code} " in text
