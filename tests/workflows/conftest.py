from types import SimpleNamespace

import pytest
from django.db import transaction
from wagtail.models import Page

from content_types.models import NewsArticle, NewsIndexPage
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind, UnitLevel
from editorial.provisioning import add_board_member, clear_permission_cache, provision_board

ROLES = (BoardRole.EDITOR, BoardRole.REVIEWER, BoardRole.APPROVER)


def build_unit_tree():
    """The same tree as the ``unit_tree`` fixture (tests/conftest.py)."""
    province = make_unit(
        "TN", level=UnitLevel.PROVINCE, name="Tỉnh ủy Thái Nguyên", short_name="TU"
    )
    district = make_unit("DT", parent=province, level=UnitLevel.DISTRICT, short_name="HU")
    district_2 = make_unit("PL", parent=province, level=UnitLevel.DISTRICT, short_name="HU")
    grassroots = make_unit("DT-X1", parent=district, level=UnitLevel.GRASSROOTS, short_name="ĐU")
    grassroots_2 = make_unit("DT-X2", parent=district, level=UnitLevel.GRASSROOTS, short_name="ĐU")
    branch = make_unit("DT-X1-C1", parent=grassroots, level=UnitLevel.BRANCH, short_name="CB")
    branch_2 = make_unit("DT-X1-C2", parent=grassroots, level=UnitLevel.BRANCH, short_name="CB")
    tree = SimpleNamespace(
        province=province,
        district=district,
        district_2=district_2,
        grassroots=grassroots,
        grassroots_2=grassroots_2,
        branch=branch,
        branch_2=branch_2,
    )
    for unit in (province, district, district_2, grassroots, grassroots_2, branch):
        unit.refresh_from_db()
        provision_board(unit)
    for name in vars(tree):
        getattr(tree, name).refresh_from_db()
    return tree


def build_org():
    """The test province with a board on the first branch too, and an editor, a
    reviewer and an approver on every board; the province also has a deputy head
    (a reviewer who is the provincial committee's deputy secretary)."""
    tree = build_unit_tree()
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


def news_index(unit):
    return NewsIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).get()


def draft_news(unit, editor, title="Tin hội nghị"):
    article = NewsArticle(title=title, lead="Tóm tắt", live=False)
    news_index(unit).add_child(instance=article)
    article.save_revision(user=editor)
    return NewsArticle.objects.get(pk=article.pk)


def submit(page, user):
    return page.get_workflow().start(page, user)


def fresh(user):
    """The same user without the per-request permission caches."""
    return type(user).objects.get(pk=user.pk)
