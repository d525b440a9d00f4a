"""Demo moderation: workflows on every unit, a deputy head, items waiting.

Run after ``seed_demo`` and ``seed_demo_content``; safe to re-run (every item
is found again by its slug and nothing is submitted twice).
"""

import os

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page

from content_types.models import NewsArticle, NewsIndexPage
from editorial.models import (
    BoardMembership,
    BoardRole,
    CommitteeRole,
    CommitteeRoleKind,
    Member,
    Unit,
    UnitLevel,
)
from editorial.provisioning import add_board_member

from .promotion import PromotionError, propose
from .standard import assign_standard_workflow, ensure_standard_workflows

DEPUTY_USERNAME = "tn-deputy"

# (slug, level, title, what the unit's board does after submission). Each goes
# to the first unit of its level whose board has an editor (the demo team's).
WAITING = [
    ("cho-duyet-chi-bo", UnitLevel.BRANCH, "Thông báo sinh hoạt chi bộ tháng này", []),
    ("cho-duyet-co-so", UnitLevel.GRASSROOTS, "Đảng bộ tổng kết công tác quý", []),
    ("cho-duyet-huyen", UnitLevel.DISTRICT, "Huyện ủy triển khai nghị quyết mới", []),
    (
        "tra-lai-huyen",
        UnitLevel.DISTRICT,
        "Hội nghị cán bộ chủ chốt huyện",
        [(BoardRole.REVIEWER, "reject", "Bổ sung thời gian, địa điểm hội nghị.")],
    ),
    (
        "cho-duyet-tinh",
        UnitLevel.PROVINCE,
        "Tỉnh ủy sơ kết việc học tập nghị quyết",
        [(BoardRole.REVIEWER, "approve", "")],
    ),
]


def _team_unit(level):
    return (
        Unit.objects.active()
        .filter(level=level, home_page__isnull=False)
        .filter(board__memberships__role=BoardRole.EDITOR)
        .order_by("path")
        .first()
    )


def _board_user(unit, role):
    membership = (
        BoardMembership.objects.filter(board__unit=unit, role=role)
        .exclude(user__username=DEPUTY_USERNAME)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def ensure_deputy_head(log=print):
    """The provincial deputy head: a reviewer who is the committee's deputy secretary."""
    province = Unit.get_first_root_node()
    if province is None:
        return None
    user = _user(DEPUTY_USERNAME)
    if user is None:
        user = get_user_model().objects.create_user(
            DEPUTY_USERNAME,
            email=f"{DEPUTY_USERNAME}@example.org",
            password=os.environ.get("DEMO_PASSWORD", "demo12345"),
            first_name="Phó trưởng ban",
        )
        log(f"created {DEPUTY_USERNAME}")
    add_board_member(province, user, BoardRole.REVIEWER)
    member = Member.objects.filter(user=user).first()
    if member is None:
        branch = Unit.objects.active().filter(level=UnitLevel.BRANCH).order_by("path").first()
        member = Member.objects.create(
            user=user, full_name="Phó trưởng ban biên tập", branch=branch
        )
    CommitteeRole.objects.get_or_create(
        member=member, unit=province, role=CommitteeRoleKind.DEPUTY_SECRETARY
    )
    return user


def _draft(unit, slug, title, author):
    index = NewsIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).first()
    if index is None:
        return None
    page = NewsArticle.objects.child_of(index).filter(slug=slug).first()
    if page is None:
        page = NewsArticle(title=title, slug=slug, lead=title, live=False)
        index.add_child(instance=page)
        page.save_revision(user=author)
    return NewsArticle.objects.get(pk=page.pk)


@transaction.atomic
def seed_workflows(log=print):
    ensure_standard_workflows()
    units = Unit.objects.active().filter(home_page__isnull=False)
    assigned = sum(1 for unit in units if assign_standard_workflow(unit))
    log(f"workflows: {assigned} units have their level's workflow")
    ensure_deputy_head(log)
    submitted = 0
    for slug, level, title, steps in WAITING:
        unit = _team_unit(level)
        author = _board_user(unit, BoardRole.EDITOR) if unit else None
        if author is None:
            continue
        page = _draft(unit, slug, title, author)
        if page is None or page.workflow_states.exists():
            continue
        state = page.get_workflow().start(page, author)
        for role, action, comment in steps:
            task_state = state.current_task_state.specific
            actor = _board_user(unit, role)
            if actor is not None:
                task_state.task.specific.on_action(task_state, actor, action, comment=comment)
            state.refresh_from_db()
        submitted += 1
    promoted = _seed_promotion(log)
    log(f"moderation: {submitted} items submitted, {promoted} promotion proposed")


def _seed_promotion(log):
    """A grassroots item published and proposed to the district's feed."""
    unit = _team_unit(UnitLevel.GRASSROOTS)
    if unit is None:
        return 0
    editor, head = _board_user(unit, BoardRole.EDITOR), _board_user(unit, BoardRole.APPROVER)
    if editor is None or head is None:
        return 0
    page = _draft(unit, "de-xuat-len-cap-tren", "Mô hình dân vận khéo ở cơ sở", editor)
    if page is None:
        return 0
    if not page.live:
        page.get_latest_revision().publish(user=head)
        page = NewsArticle.objects.get(pk=page.pk)
    try:
        propose(page, editor, note="Đề nghị cấp trên giới thiệu mô hình này rộng rãi.")
    except PromotionError as error:  # proposed on an earlier run
        log(f"promotion: {error.code}")
        return 0
    return 1
