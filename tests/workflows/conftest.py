from types import SimpleNamespace

import pytest
from django.db import transaction

from content_types import factories
from editorial.factories import MemberFactory, UserFactory
from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind
from editorial.provisioning import add_board_member, clear_permission_cache
from tests.conftest import build_unit_tree

ROLES = (BoardRole.EDITOR, BoardRole.REVIEWER, BoardRole.APPROVER)


def build_org():
    """The test province with a board on the first branch too, and an editor, a
    reviewer and an approver on every board; the province also has a deputy head
    (a reviewer who is the provincial committee's deputy secretary)."""
    tree = build_unit_tree(board_on_branch=True)
    units = {
        "province": tree.province,
        "district": tree.district,
        "district_2": tree.district_2,
        "grassroots": tree.grassroots,
        "grassroots_2": tree.grassroots_2,
        "branch": tree.branch,
    }
    people = {}
    for key, unit in units.items():
        for role in ROLES:
            user = UserFactory(username=f"{key}-{role}")
            add_board_member(unit, user, role)
            people[f"{key}-{role}"] = user
    deputy = UserFactory(username="province-deputy")
    add_board_member(tree.province, deputy, BoardRole.REVIEWER)
    member = MemberFactory(user=deputy, branch=tree.branch)
    CommitteeRole.objects.create(
        member=member, unit=tree.province, role=CommitteeRoleKind.DEPUTY_SECRETARY
    )
    people["province-deputy"] = deputy
    return SimpleNamespace(units=units, people=people, tree=tree)


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    # Built once per module inside a transaction that is rolled back at the end;
    # each test runs in a savepoint inside it (the ``db`` fixture), so tests stay
    # independent while the tree's provisioning is paid once.
    with django_db_blocker.unblock(), transaction.atomic():
        clear_permission_cache()
        yield build_org()
        transaction.set_rollback(True)


@pytest.fixture
def org(db, _module_org):
    for unit in _module_org.units.values():
        unit.refresh_from_db()
    return _module_org


def draft_news(unit, editor, title="Tin hội nghị"):
    """A news draft of ``unit`` whose revision ``editor`` saved."""
    return factories.draft_news(unit, title, user=editor)


def submit(page, user):
    return page.get_workflow().start(page, user)


def fresh(user):
    """The same user without the per-request permission caches."""
    return type(user).objects.get(pk=user.pk)
