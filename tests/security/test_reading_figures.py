"""Reading records: a member sees only their own history, and only what they
may still read; committees see counts of their own subtree, never a name."""

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from content_types.models import Audience
from readership.models import ItemRead
from tests.api.conftest import bearer, member, publish_news


def opened(user, page):
    ItemRead.objects.create(
        user=user, page=page, day=timezone.localdate(), first_at=timezone.now()
    )


@pytest.fixture
def readers(unit_tree):
    """Two members of branch DT-X1-C1 (with names that must never reach a
    report), one of district PL, and what they opened."""
    alice = member(unit_tree.branch, "alice")
    alice.member.full_name = "Nguyễn Thị Bí Mật"
    alice.member.save()
    bob = member(unit_tree.branch, "bob")
    bob.member.full_name = "Trần Văn Kín Đáo"
    bob.member.save()
    erin = member(unit_tree.district_2, "erin")
    news = publish_news(unit_tree.grassroots, "Tin chung", Audience.MEMBERS)
    branch_only = publish_news(
        unit_tree.grassroots, "Tin riêng chi bộ", Audience.UNIT, (unit_tree.branch,)
    )
    for user, page in ((alice, news), (bob, branch_only), (erin, news)):
        opened(user, page)
    return alice, bob, erin, news, branch_only


def history(user):
    response = Client(**bearer(user)).get("/api/reading/")
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


def test_another_members_history_is_never_returned(readers):
    alice, bob, erin, news, branch_only = readers

    assert history(alice) == [news.pk]
    assert history(bob) == [branch_only.pk]
    assert history(erin) == [news.pk]
    # The caller cannot name whose history to read.
    refused = Client(**bearer(alice)).get(f"/api/reading/?user={bob.pk}")
    assert refused.status_code == 400


def test_an_item_i_may_no_longer_read_leaves_my_history(readers, unit_tree):
    alice, bob, _erin, _news, branch_only = readers
    opened(alice, branch_only)
    assert branch_only.pk in history(alice)

    # Alice moves to the sibling branch: the branch-only item is no longer hers.
    alice.member.branch = unit_tree.branch_2
    alice.member.save()
    assert branch_only.pk not in history(alice)
    # Unpublished: gone from everybody's history, rows kept.
    branch_only.unpublish()
    assert history(bob) == []
    assert ItemRead.objects.filter(page=branch_only).count() == 2


@pytest.mark.django_db
def test_signed_out_and_deactivated_callers_get_no_history(unit_tree):
    assert Client().get("/api/reading/").status_code == 401
    expelled = member(unit_tree.branch, "expelled", status="expelled")
    assert Client(**bearer(expelled)).get("/api/reading/").status_code == 401


def test_a_district_editor_sees_only_their_subtree(client, editor, unit_tree, readers):
    own = client.get(f"/admin/reading-figures/?unit={unit_tree.district.code}")
    assert own.status_code == 200

    for unit in (unit_tree.district_2, unit_tree.province):
        for value in (unit.code, str(unit.pk)):
            page = client.get(f"/admin/reading-figures/?unit={value}")
            download = client.get(f"/admin/reading-figures/xlsx/?unit={value}")
            assert (page.status_code, download.status_code) == (403, 403), value
            assert b"erin" not in page.content


def test_plain_members_and_signed_out_users_get_no_report(client, unit_tree, readers):
    alice = readers[0]
    assert client.get("/admin/reading-figures/").status_code == 302  # to the sign-in page
    client.force_login(alice)
    assert client.get("/admin/reading-figures/").status_code in (302, 403)
    assert client.get("/admin/reading-figures/xlsx/").status_code in (302, 403)


def test_no_member_is_named_in_the_report_or_its_download(client, editor, unit_tree, readers):
    html = client.get("/admin/reading-figures/?period=7").content.decode()
    workbook = load_workbook(
        io.BytesIO(client.get("/admin/reading-figures/xlsx/?period=7").content)
    )
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )

    assert "Tin chung" in html and "Tin chung" in cells  # the figures are there
    for name in ("Nguyễn Thị Bí Mật", "Trần Văn Kín Đáo", "alice", "bob"):
        assert name not in html
        assert name not in cells
