"""A branch's life around DT-X1-C1: its secretary and members (official,
probationary, left), a residence-place member from the sibling branch, the
sibling branch's secretary and the grassroots committee's secretary."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from api.models import ReaderToken
from branches import meetings
from branches.models import ResidenceRegistration
from editorial.factories import MemberFactory
from editorial.models import CommitteeRole, CommitteeRoleKind, MemberStatus


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def make_member(branch, username, status=MemberStatus.OFFICIAL, **fields):
    card = {} if status == MemberStatus.OFFICIAL else {"card_number": None}
    return MemberFactory(branch=branch, status=status, user__username=username, **card, **fields)


def give_office(member, unit, role=CommitteeRoleKind.SECRETARY):
    return CommitteeRole.objects.create(member=member, unit=unit, role=role)


@pytest.fixture
def life(unit_tree):
    tree = unit_tree
    people = SimpleNamespace(tree=tree, branch=tree.branch, branch_2=tree.branch_2)
    people.secretary = make_member(tree.branch, "bi-thu")
    give_office(people.secretary, tree.branch)
    people.deputy = make_member(tree.branch, "pho-bi-thu")
    give_office(people.deputy, tree.branch, CommitteeRoleKind.DEPUTY_SECRETARY)
    people.official = make_member(tree.branch, "dang-vien")
    people.official_2 = make_member(tree.branch, "dang-vien-2")
    people.probationary = make_member(tree.branch, "du-bi", MemberStatus.PROBATIONARY)
    people.expelled = make_member(tree.branch, "khai-tru", MemberStatus.EXPELLED)
    people.other_secretary = make_member(tree.branch_2, "bi-thu-2")
    give_office(people.other_secretary, tree.branch_2)
    people.other_member = make_member(tree.branch_2, "dang-vien-chi-bo-2")
    people.resident = make_member(tree.branch_2, "noi-cu-tru")
    ResidenceRegistration.objects.create(
        member=people.resident, branch=tree.branch, started_on=datetime.date(2026, 1, 1)
    )
    people.committee = make_member(tree.branch_2, "bi-thu-dang-uy")
    give_office(people.committee, tree.grassroots)
    people.other_committee = make_member(tree.branch_2, "bi-thu-dang-uy-2")
    give_office(people.other_committee, tree.grassroots_2)
    return people


def new_meeting(secretary, branch, **fields):
    starts = timezone.now() + datetime.timedelta(days=3)
    values = {
        "title": "Sinh hoạt chi bộ tháng 12",
        "kind": "regular",
        "starts_at": starts,
        "place": "Nhà văn hoá thôn",
        "agenda": ["Kiểm điểm tháng", "Kết nạp đảng viên"],
        **fields,
    }
    return meetings.create_meeting(secretary, branch, **values)


@pytest.fixture
def announced(life):
    """An announced meeting of the branch."""
    meeting = new_meeting(life.secretary, life.branch)
    return meetings.publish_meeting(life.secretary, meeting)


@pytest.fixture
def in_session(life, announced):
    """The announced meeting with attendance taken: the secretary, two
    official members and the probationary and residence members present,
    the deputy excused."""
    present = [life.secretary, life.official, life.official_2, life.probationary, life.resident]
    entries = {member.pk: "present" for member in present}
    entries[life.deputy.pk] = "excused"
    meetings.record_attendance(life.secretary, announced, entries)
    return announced


def bearer(member):
    """A test client signed in to the API as ``member`` with a reader token."""
    client = Client()
    if member is not None:
        _token, raw = ReaderToken.objects.issue(member.user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.fixture
def as_member():
    """``as_member(member)`` → an API client for that member (None: anonymous)."""
    return bearer
