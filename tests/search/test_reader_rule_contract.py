"""The reader rule's contract: its three faces agree on every caller and page.

``content_types.models.audience.ReaderRule`` is the one rule of who may read
what. The API and the admin's choosers use its ORM face (``readable_pages``),
search uses its OpenSearch face (and the database fallback the ORM face over
search records), the reader site and delta sync its in-Python face
(``readable_page``, ``ReaderRule.allows``). Each face is run here over the
same callers and the same pages, including a private page (a Wagtail view
restriction) and aliases, against a real OpenSearch index; all must give the
expected set, cell by cell. Search holds originals only (an alias is found
through its original), so its faces are held to the expected set without
the aliases.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page, PageViewRestriction

from content_types.models import Audience, NewsArticle, NewsIndexPage
from content_types.models.audience import ReaderRule, readable_page, readable_pages
from editorial.factories import MemberFactory, UserFactory
from editorial.models import MemberStatus
from search import database, engine
from search.models import SearchRecord
from search.rebuild import rebuild

from .conftest import ENGINE_URL, drop_index, engine_settings, unique_index

EVERYONE = {"public", "public alias"}
MEMBERS = EVERYONE | {"members"}

EXPECTED = {
    "anonymous": EVERYONE,
    "signed-in non-member": EVERYONE,
    "struck-off member of the branch": EVERYONE,
    "member of the branch": MEMBERS | {"grassroots", "chosen branch", "grassroots alias"},
    "member of the sibling branch": MEMBERS | {"grassroots", "grassroots alias"},
    "member of another district": MEMBERS,
}


def _news_index(unit):
    return NewsIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).get()


def _publish(unit, title, audience=Audience.PUBLIC, units=()):
    article = NewsArticle(title=title, lead=title, audience=audience)
    _news_index(unit).add_child(instance=article)
    article.audience_units.set(units)
    article.save_revision().publish()
    return NewsArticle.objects.get(pk=article.pk)


@pytest.fixture
def pages(unit_tree):
    tree = unit_tree
    grassroots = _publish(tree.grassroots, "Đảng bộ xã", Audience.UNIT)
    private = _publish(tree.province, "Riêng tư")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="mật khẩu"
    )
    public = _publish(tree.province, "Công khai")
    other_index = _news_index(tree.district_2)
    return {
        "public": public,
        "members": _publish(tree.district, "Đảng viên", Audience.MEMBERS),
        "grassroots": grassroots,
        "chosen branch": _publish(tree.grassroots, "Chi bộ 1", Audience.UNIT, [tree.branch]),
        "private": private,
        "public alias": public.create_alias(parent=other_index, update_slug="ban-sao-cong-khai"),
        "grassroots alias": grassroots.create_alias(parent=other_index, update_slug="ban-sao"),
        "private alias": private.create_alias(parent=other_index, update_slug="ban-sao-rieng"),
    }


@pytest.fixture
def callers(unit_tree):
    def member(unit, username, **fields):
        return MemberFactory(branch=unit, user=UserFactory(username=username), **fields).user

    return {
        "anonymous": AnonymousUser(),
        "signed-in non-member": UserFactory(username="khach"),
        "struck-off member of the branch": member(
            unit_tree.branch, "xoa-ten", status=MemberStatus.STRUCK_OFF
        ),
        "member of the branch": member(unit_tree.branch, "chi-bo-1"),
        "member of the sibling branch": member(unit_tree.branch_2, "chi-bo-2"),
        "member of another district": member(
            MemberFactory(branch=unit_tree.district_2).branch, "phu-luong"
        ),
    }


def _orm_face(user, names):
    return {
        names[pk] for pk in readable_pages(user).filter(pk__in=names).values_list("pk", flat=True)
    }


def _python_face(user, pages):
    return {name for name, page in pages.items() if readable_page(user, page)}


def _database_search_face(user, names):
    branch_path = ReaderRule.for_user(user).branch_path
    records = SearchRecord.objects.filter(database.readable(branch_path), object_id__in=names)
    return {names[pk] for pk in records.filter(kind="news").values_list("object_id", flat=True)}


def _opensearch_face(user, names, index):
    branch_path = ReaderRule.for_user(user).branch_path
    body = {
        "size": 100,
        "query": {
            "bool": {
                "filter": [
                    engine.audience_filter(branch_path).to_dict(),
                    {"term": {"kind": "news"}},
                    {"terms": {"object_id": list(names)}},
                ]
            }
        },
    }
    hits = engine.client().search(index=index, body=body)["hits"]["hits"]
    return {names[hit["_source"]["object_id"]] for hit in hits}


def test_the_three_faces_agree_with_the_matrix(pages, callers):
    if not ENGINE_URL:
        pytest.skip("OPENSEARCH_URL is not set (scripts/test-services.sh starts a node)")
    names = {page.pk: name for name, page in pages.items()}
    index = unique_index()
    try:
        with engine_settings(index):
            rebuild()
            for caller, user in callers.items():
                faces = {
                    "orm": _orm_face(user, names),
                    "python": _python_face(user, pages),
                    "database search": _database_search_face(user, names),
                    "opensearch": _opensearch_face(user, names, index),
                }
                originals = {name for name in EXPECTED[caller] if "alias" not in name}
                assert faces["orm"] == EXPECTED[caller], caller
                assert faces["python"] == EXPECTED[caller], caller
                assert faces["database search"] == originals, caller
                assert faces["opensearch"] == originals, caller
    finally:
        drop_index(index)


def test_the_in_python_face_of_a_change_log_row():
    """Delta sync decides on its change log in Python, with the same rule."""
    anonymous, member = ReaderRule(None), ReaderRule("0001000100010001")
    assert anonymous.allows("") and anonymous.allows(Audience.PUBLIC)
    assert not anonymous.allows(Audience.MEMBERS)
    assert not anonymous.allows(Audience.UNIT, ["0001"])
    assert member.allows(Audience.MEMBERS)
    assert member.allows(Audience.UNIT, ["00010001"])
    assert not member.allows(Audience.UNIT, ["00010002"])
    assert not member.allows(Audience.UNIT, [])


def test_the_reader_site_leaves_privacy_to_wagtail(pages, callers):
    private = pages["private"]
    assert not readable_page(callers["anonymous"], private)
    assert readable_page(callers["anonymous"], private, privacy=False)
    assert not readable_page(callers["anonymous"], pages["grassroots"], privacy=False)
