import pytest
from django.core.exceptions import ValidationError
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from editorial.factories import MemberFactory, make_unit
from editorial.models import BoardRole, Member, Unit, UnitEvent, UnitLevel, UnitStatus
from editorial.reorganisation import dissolve_unit, merge_units


def _add_article(unit, title, slug):
    home = Page.objects.get(pk=unit.home_page_id)
    page = home.add_child(instance=Page(title=title, slug=slug))
    page.save_revision().publish()
    return page


@pytest.fixture
def merge_setup(unit_tree, board_user):
    source, target = unit_tree.grassroots_2, unit_tree.grassroots
    branch = make_unit("DT-X2-C1", parent=source, level=UnitLevel.BRANCH)
    members = [MemberFactory(branch=source) for _ in range(3)]
    MemberFactory(branch=branch)
    news = _add_article(source, "Tin xã X2", "tin-x2")
    clash = _add_article(source, "Thông báo", "thong-bao")
    _add_article(target, "Thông báo", "thong-bao")
    editor = board_user(source, BoardRole.EDITOR, username="x2-editor")
    image = get_image_model().objects.create(
        title="ảnh", file=get_test_image_file(), collection=source.collection
    )
    return source, target, branch, members, news, clash, editor, image


def test_merge_moves_members_units_pages_media_and_roles(merge_setup):
    source, target, branch, members, news, clash, editor, image = merge_setup
    member_total, page_total = Member.objects.count(), Page.objects.count()
    old_news_url = news.url

    merge_units(source, target)

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == UnitStatus.MERGED and source.merged_into == target
    assert source.ended_on is not None
    # Nothing deleted.
    assert Member.objects.count() == member_total
    assert Page.objects.count() == page_total
    assert Unit.objects.filter(pk=source.pk).exists()
    # Members, child units, pages, media moved.
    assert set(Member.objects.filter(branch=target)) >= set(members)
    assert Unit.objects.get(pk=branch.pk).get_parent() == target
    target_home = Page.objects.get(pk=target.home_page_id)
    children = {p.pk: p for p in target_home.get_children()}
    assert news.pk in children and clash.pk in children
    assert children[clash.pk].slug == "thong-bao-dt-x2"
    assert get_image_model().objects.get(pk=image.pk).collection_id == target.collection_id
    # The editor now works for the target unit, not the merged one.
    editor.refresh_from_db()
    assert target.home_page.permissions_for_user(editor).can_edit()
    assert not editor.groups.filter(board_role__board__unit=source).exists()
    # History kept: events both ways, memberships of the old board still on record.
    assert UnitEvent.objects.filter(unit=source, kind="merged", other_unit=target).exists()
    assert UnitEvent.objects.filter(unit=target, kind="absorbed", other_unit=source).exists()
    assert source.board.memberships.filter(user=editor).exists()
    # Old URLs redirect.
    assert Redirect.objects.filter(old_path=old_news_url.rstrip("/")).exists()
    assert not Page.objects.get(pk=source.home_page_id).live


def test_old_urls_redirect_after_merge(merge_setup, client):
    source, target, _branch, _members, news, _clash, _editor, _image = merge_setup
    old_home_url, old_news_url = source.home_page.url, news.url
    merge_units(source, target)
    news.refresh_from_db()
    response = client.get(old_news_url)
    assert response.status_code == 301
    assert response["Location"].endswith(news.url)
    response = client.get(old_home_url)
    assert response.status_code == 301
    assert response["Location"].endswith(Page.objects.get(pk=target.home_page_id).url)


def test_merge_refuses_itself_and_descendants(unit_tree):
    with pytest.raises(ValidationError):
        merge_units(unit_tree.district, unit_tree.district)
    with pytest.raises(ValidationError):
        merge_units(unit_tree.district, unit_tree.grassroots)
    assert Unit.objects.get(pk=unit_tree.district.pk).status == UnitStatus.ACTIVE


def test_dissolve_requires_members_moved_first(unit_tree):
    member = MemberFactory(branch=unit_tree.branch_2)
    with pytest.raises(ValidationError):
        dissolve_unit(unit_tree.branch_2)
    member.branch = unit_tree.branch
    member.save()
    dissolve_unit(unit_tree.branch_2)
    assert Unit.objects.get(pk=unit_tree.branch_2.pk).status == UnitStatus.DISSOLVED
