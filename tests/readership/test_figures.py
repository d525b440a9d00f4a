"""Reports → Reading figures: counts per unit below the chosen one, and the
items most read, in a fixed number of queries; the XLSX download."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from editorial.factories import make_unit
from editorial.models import MemberStatus, UnitLevel
from readership.figures import reading_figures
from readership.models import ItemRead, SignInDay
from tests.api.conftest import member, publish_news


def today():
    return timezone.localdate()


def read(user, page, days_ago=0):
    day = today() - datetime.timedelta(days=days_ago)
    ItemRead.objects.create(user=user, page=page, day=day, first_at=timezone.now())


@pytest.fixture
def figures_data(unit_tree):
    """Members across district DT's subtree (and one in district PL), their
    reads and sign-ins."""
    tree = unit_tree
    people = {
        "alice": member(tree.branch, "alice"),
        "bob": member(tree.branch, "bob"),
        "carol": member(tree.branch_2, "carol"),
        "dan": member(tree.grassroots_2, "dan"),
        "erin": member(tree.district_2, "erin"),
        "gone": member(tree.branch, "gone", MemberStatus.EXPELLED),
    }
    for name in ("alice", "carol", "erin", "gone"):
        people[name].last_login = timezone.now()
        people[name].save()
    news = publish_news(tree.grassroots, "Nghị quyết mới")
    other = publish_news(tree.district, "Tin huyện")
    read(people["alice"], news, days_ago=0)
    read(people["alice"], news, days_ago=1)
    read(people["alice"], other, days_ago=20)
    read(people["bob"], news, days_ago=10)
    read(people["carol"], other, days_ago=60)
    read(people["dan"], other, days_ago=3)
    read(people["erin"], news, days_ago=0)
    read(people["gone"], news, days_ago=0)
    SignInDay.objects.create(user=people["carol"], day=today() - datetime.timedelta(days=5))
    SignInDay.objects.create(user=people["alice"], day=today() - datetime.timedelta(days=40))
    return people, news, other


def figures_of(row):
    return (
        row.unit.code,
        row.accounts,
        row.signed_in_ever,
        row.active_7,
        row.active_30,
        row.signed_in,
        row.reads,
    )


def test_counts_per_unit_below_and_the_total(unit_tree, figures_data):
    report = reading_figures(unit_tree.district, period_days=30, today=today())

    assert [figures_of(row) for row in report.rows] == [
        # accounts, ever signed in, active 7 d, active 30 d, signed in, reads in 30 d
        ("DT-X1", 3, 2, 1, 2, 1, 4),
        ("DT-X2", 1, 0, 1, 1, 0, 1),
    ]
    assert figures_of(report.total) == ("DT", 4, 2, 2, 3, 1, 5)
    assert report.since == today() - datetime.timedelta(days=29)


def test_the_period_changes_reads_sign_ins_and_the_top_items(unit_tree, figures_data):
    _people, news, other = figures_data
    week = reading_figures(unit_tree.district, period_days=7, today=today())
    quarter = reading_figures(unit_tree.district, period_days=90, today=today())

    assert (week.total.reads, week.total.signed_in) == (3, 1)
    assert (quarter.total.reads, quarter.total.signed_in) == (6, 2)
    assert [(item.page_id, item.readers, item.reads) for item in week.top_items] == [
        (news.pk, 1, 2),
        (other.pk, 1, 1),
    ]
    assert [(item.title, item.readers, item.reads) for item in quarter.top_items] == [
        ("Tin huyện", 3, 3),
        ("Nghị quyết mới", 2, 3),
    ]


def test_a_branchs_own_members_are_its_only_row(unit_tree, figures_data):
    report = reading_figures(unit_tree.branch, today=today())

    assert [figures_of(row) for row in report.rows] == [("DT-X1-C1", 2, 1, 1, 2, 0, 4)]
    assert report.rows[0].direct


def grow(parent, count, prefix):
    """``count`` grassroots units under ``parent``, each with two branches,
    three members and their reads."""
    news = publish_news(parent, f"Tin {prefix}")
    for number in range(count):
        grassroots = make_unit(f"{prefix}{number}", parent=parent, level=UnitLevel.GRASSROOTS)
        for branch_number in range(2):
            branch = make_unit(f"{prefix}{number}-{branch_number}", parent=grassroots)
            for person in range(3):
                user = member(branch, f"{prefix}{number}-{branch_number}-{person}")
                read(user, news, days_ago=person)


def test_the_figures_cost_the_same_queries_whatever_the_tree(
    unit_tree, figures_data, django_assert_num_queries
):
    with django_assert_num_queries(4):
        small = reading_figures(unit_tree.province, today=today())
    grow(unit_tree.district_2, 6, "PLX")
    with django_assert_num_queries(4):
        large = reading_figures(unit_tree.province, today=today())

    assert large.total.accounts == small.total.accounts + 36
    assert large.total.reads == small.total.reads + 36


def test_the_admin_report_costs_the_same_queries_whatever_the_tree(
    client, unit_tree, figures_data, board_user, django_assert_num_queries
):
    client.force_login(board_user(unit_tree.province))
    url = f"/admin/reading-figures/?unit={unit_tree.province.code}"
    client.get(url)
    with django_assert_num_queries(60, exact=False) as small:
        assert client.get(url).status_code == 200
    grow(unit_tree.district_2, 6, "PLX")
    grow(unit_tree.district, 4, "DTX")

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_report_page_shows_the_figures_and_links_down_the_tree(
    client, editor, unit_tree, figures_data
):
    response = client.get("/admin/reading-figures/?period=90")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading figures" in html
    assert unit_tree.district.name in html
    assert f"?unit={unit_tree.grassroots.code}&amp;period=90" in html
    assert "Nghị quyết mới" in html
    assert response.context["figures"].total.accounts == 4
    assert response.context["period"] == 90
    # Anything but 7, 30 or 90 is the default month.
    assert client.get("/admin/reading-figures/?period=1000").context["period"] == 30


def test_the_reports_menu_offers_it_to_board_members_only(client, editor, unit_tree):
    menu = client.get("/admin/").content.decode()
    assert "/admin/reading-figures/" in menu

    plain = member(unit_tree.branch, "plain-member")
    client.force_login(plain)
    assert client.get("/admin/reading-figures/").status_code in (302, 403)


def test_the_xlsx_download_holds_the_units_and_the_top_items(
    client, editor, unit_tree, figures_data
):
    response = client.get(f"/admin/reading-figures/xlsx/?unit={unit_tree.district.code}")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    units, items = workbook.worksheets
    rows = list(units.iter_rows(values_only=True))
    assert rows[0][:3] == ("Unit", "Code", "Members with an account")
    assert [row[1] for row in rows[1:]] == ["DT-X1", "DT-X2", "DT"]
    assert rows[-1][2] == 4
    assert [row[0] for row in items.iter_rows(values_only=True)][:1] == ["Item"]
