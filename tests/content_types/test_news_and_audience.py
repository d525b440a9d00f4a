"""News pages, and the audience every content page carries.

The reader API and search rely on ``readable_by``: whatever they list must be
filtered by it, so its matrix is asserted here cell by cell.
"""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from content_types.factories import news_index, publish_news
from content_types.models import Audience, NewsArticle, PageAudience
from content_types.models.audience import readable_by
from editorial.factories import MemberFactory, make_unit
from editorial.models import UnitLevel
from editorial.provisioning import provision_board


def test_every_unit_gets_a_news_list(unit_tree):
    for unit in (unit_tree.province, unit_tree.district, unit_tree.grassroots):
        index = news_index(unit)
        assert index.live and index.slug == "tin-tuc"


def test_published_news_records_its_owning_unit_and_audience(unit_tree):
    article = publish_news(unit_tree.grassroots, "Hội nghị", Audience.UNIT)
    row = PageAudience.objects.get(page=article)
    assert row.unit == unit_tree.grassroots
    assert row.unit_path == unit_tree.grassroots.path
    assert row.audience == Audience.UNIT
    assert list(row.reader_scopes.values_list("path", flat=True)) == [unit_tree.grassroots.path]


def test_a_draft_audience_change_does_not_reach_readers_until_published(unit_tree):
    article = publish_news(unit_tree.grassroots, "Tin", Audience.PUBLIC)
    article.audience = Audience.UNIT
    article.save_revision()
    assert PageAudience.objects.get(page=article).audience == Audience.PUBLIC
    article.get_latest_revision().publish()
    assert PageAudience.objects.get(page=article).audience == Audience.UNIT


@pytest.fixture
def readers(unit_tree):
    branch = unit_tree.branch
    return {
        "anonymous": None,
        "own branch": branch.path,
        "sibling branch": unit_tree.branch_2.path,
        "other grassroots": unit_tree.grassroots_2.path,
        "other district": unit_tree.district_2.path,
    }


def test_readable_by_matrix(unit_tree, readers):
    pages = {
        "public": publish_news(unit_tree.grassroots, "Công khai", Audience.PUBLIC),
        "members": publish_news(unit_tree.grassroots, "Đảng viên", Audience.MEMBERS),
        "grassroots": publish_news(unit_tree.grassroots, "Đảng bộ", Audience.UNIT),
        "chosen branch": publish_news(
            unit_tree.grassroots, "Chi bộ 1", Audience.UNIT, units=[unit_tree.branch]
        ),
    }
    expected = {
        "anonymous": {"public"},
        "own branch": {"public", "members", "grassroots", "chosen branch"},
        "sibling branch": {"public", "members", "grassroots"},
        "other grassroots": {"public", "members"},
        "other district": {"public", "members"},
    }
    ids = {page.pk: name for name, page in pages.items()}
    for reader, path in readers.items():
        visible = NewsArticle.objects.filter(readable_by(path)).values_list("pk", flat=True)
        assert {ids[pk] for pk in visible} == expected[reader], reader


def test_an_alias_keeps_its_originals_readers(unit_tree, readers):
    article = publish_news(unit_tree.grassroots, "Chỉ đảng bộ xã", audience=Audience.UNIT)
    alias = article.create_alias(parent=news_index(unit_tree.district_2), update_slug="ban-sao")

    row = PageAudience.objects.get(page=alias)
    assert (row.unit, row.audience) == (unit_tree.grassroots, Audience.UNIT)
    readable = {
        name: Page.objects.filter(pk=alias.pk).filter(readable_by(path)).exists()
        for name, path in readers.items()
    }
    assert readable == {
        "anonymous": False,
        "own branch": True,
        "sibling branch": True,
        "other grassroots": False,
        "other district": False,
    }

    # Republishing the original with a wider audience reaches the alias too.
    article.audience = Audience.MEMBERS
    article.save_revision().publish()
    assert PageAudience.objects.get(page=alias).audience == Audience.MEMBERS


def test_moving_a_page_changes_its_owning_unit(unit_tree):
    article = publish_news(unit_tree.grassroots, "Chuyển", Audience.UNIT)
    Page.objects.get(pk=article.pk).move(news_index(unit_tree.district_2), pos="last-child")
    row = PageAudience.objects.get(page=article)
    assert row.unit == unit_tree.district_2
    assert list(row.reader_scopes.values_list("path", flat=True)) == [unit_tree.district_2.path]


def test_moving_a_unit_moves_its_pages_owner_paths(unit_tree):
    from editorial.reorganisation import move_unit

    article = publish_news(unit_tree.grassroots, "Theo đơn vị", Audience.UNIT)
    move_unit(unit_tree.grassroots, unit_tree.district_2)
    unit_tree.grassroots.refresh_from_db()
    row = PageAudience.objects.get(page=article)
    assert row.unit_path == unit_tree.grassroots.path
    assert row.unit_path.startswith(unit_tree.district_2.path)


def test_chosen_units_need_a_unit_audience(unit_tree):
    article = publish_news(unit_tree.grassroots, "Sai", Audience.UNIT, units=[unit_tree.branch])
    article.audience = Audience.PUBLIC
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "audience_units" in error.value.message_dict


def test_source_needs_a_name_and_is_shown(unit_tree, client):
    article = NewsArticle(title="Dẫn nguồn", lead="x", source_url="https://baothainguyen.vn/a")
    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["path", "depth", "slug", "body"])
    assert "source_name" in error.value.message_dict
    article = publish_news(
        unit_tree.grassroots,
        "Dẫn nguồn",
        source_name="Báo Thái Nguyên",
        source_url="https://baothainguyen.vn/a",
    )
    response = client.get(article.url)
    assert response.status_code == 200
    assert "Nguồn: " in response.content.decode()
    assert "Báo Thái Nguyên" in response.content.decode()


def test_news_list_shows_its_articles(unit_tree, client):
    publish_news(unit_tree.grassroots, "Tin thứ nhất")
    response = client.get(news_index(unit_tree.grassroots).url)
    assert "Tin thứ nhất" in response.content.decode()


def test_branch_boards_get_a_news_list_too(unit_tree):
    branch = make_unit("DT-X1-C9", parent=unit_tree.grassroots, level=UnitLevel.BRANCH)
    provision_board(branch)
    branch.refresh_from_db()
    assert news_index(branch).get_parent().pk == branch.home_page_id


def test_reader_site_applies_the_audience(unit_tree, client):
    """The plain HTML site must not show what the API would refuse."""
    public = publish_news(unit_tree.grassroots, "Công khai", Audience.PUBLIC)
    members = publish_news(unit_tree.grassroots, "Nội bộ đảng viên", Audience.MEMBERS)
    unit_only = publish_news(unit_tree.grassroots, "Riêng đảng bộ", Audience.UNIT)
    index_url = news_index(unit_tree.grassroots).url

    def seen(client):
        listing = client.get(index_url).content.decode()
        return {
            page.title
            for page in (public, members, unit_only)
            if client.get(page.url).status_code == 200 and page.title in listing
        }

    assert seen(client) == {"Công khai"}
    outsider = MemberFactory(branch=unit_tree.district_2)
    client.force_login(outsider.user)
    assert seen(client) == {"Công khai", "Nội bộ đảng viên"}
    insider = MemberFactory(branch=unit_tree.branch)
    client.force_login(insider.user)
    assert seen(client) == {"Công khai", "Nội bộ đảng viên", "Riêng đảng bộ"}
    assert client.get(unit_only.url).status_code == 200
    client.force_login(outsider.user)
    assert client.get(unit_only.url).status_code == 404
