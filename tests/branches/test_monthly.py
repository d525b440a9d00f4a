"""The monthly table of a grassroots or district unit (``branches.monthly``)
and ``manage.py branch_month_table``."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from branches.monthly import Month, monthly_table
from tests.branches.month_data import busy_branch, held_meeting, task

pytestmark = pytest.mark.django_db

NOVEMBER = Month(2026, 11)


def row_of(table, branch):
    return next(row for row in table.rows if row.branch == branch)


def test_a_branch_row_counts_the_month_of_that_branch(life):
    members = [life.secretary, life.official, life.official_2, life.deputy]
    held_meeting(
        life.branch, life.tree.grassroots, grade="tot", present=members[:3], absent=[life.deputy]
    )
    held_meeting(life.branch, life.tree.grassroots, grade="kha", present=members[:2])
    # Not counted: October's meeting, a meeting still announced.
    held_meeting(
        life.branch, life.tree.grassroots, grade="kem", starts=datetime.datetime(2026, 10, 30, 9)
    )
    task(life.branch, members[:2], due_on=datetime.date(2026, 11, 5))  # open, overdue
    task(life.branch, members[:1], due_on=datetime.date(2026, 12, 24))  # open, not yet due
    task(life.branch, members[:1], done=members[:1], due_on=datetime.date(2026, 11, 1))  # done

    table = monthly_table(life.tree.grassroots, NOVEMBER)
    row = row_of(table, life.branch)

    assert row.held == 2
    assert row.grades == {"tot": 1, "kha": 1, "trung_binh": 0, "kem": 0}
    assert (row.present, row.recorded) == (5, 6)
    assert row.attendance_rate == pytest.approx(5 / 6)
    assert (row.tasks_open, row.tasks_overdue) == (2, 1)
    quiet = row_of(table, life.branch_2)
    assert (quiet.held, quiet.attendance_rate, quiet.tasks_open) == (0, None, 0)
    assert table.total.held == 2 and table.total.grades["tot"] == 1


def test_a_district_table_has_every_branch_below_it_and_a_total(unit_tree):
    first = busy_branch(unit_tree.grassroots, "DT-X1-C7")
    second = busy_branch(unit_tree.grassroots_2, "DT-X2-C1")

    table = monthly_table(unit_tree.district, NOVEMBER)

    branches = [row.branch for row in table.rows]
    assert first in branches and second in branches and unit_tree.branch in branches
    assert (table.total.held, table.total.votes, table.total.tasks_overdue) == (2, 2, 2)
    assert table.total.attendance_rate == pytest.approx(4 / 6)


def test_the_query_count_does_not_grow_with_the_branches(unit_tree, django_assert_num_queries):
    for number in range(2):
        busy_branch(unit_tree.grassroots_2, f"DT-X2-A{number}")
    with django_assert_num_queries(5):
        small = monthly_table(unit_tree.grassroots_2, NOVEMBER)
    for number in range(4):
        busy_branch(unit_tree.grassroots_2, f"DT-X2-B{number}")
    with django_assert_num_queries(5):
        large = monthly_table(unit_tree.grassroots_2, NOVEMBER)

    assert (len(small.rows), len(large.rows)) == (2, 6)
    assert large.total.held == 6


def test_months_are_read_as_year_and_month():
    assert Month.parse("2026-01").previous() == Month(2025, 12)
    assert Month.parse("2026-12").next() == Month(2027, 1)
    for wrong in ("2026-13", "26-01", "2026/01", ""):
        with pytest.raises(ValueError):
            Month.parse(wrong)


def test_the_command_prints_the_table_and_its_query_count(unit_tree):
    busy_branch(unit_tree.grassroots_2, "DT-X2-C1")
    out = StringIO()

    with translation.override("en"):
        call_command("branch_month_table", "DT-X2", "2026-11", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert lines[1].split()[:2] == ["Branch", "Code"]
    # held 1; good 1, fairly good, average, poor 0; 66.7 %; 1 vote; 1 task open, overdue
    assert lines[2].split()[-9:] == ["1", "1", "0", "0", "0", "66.7%", "1", "1", "1"]
    assert lines[-1] == "Queries: 5 for 1 branches."
