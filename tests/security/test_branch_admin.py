"""Branch life's admin views keep to the unit tree: a branch's people see
their branch only, a committee its own units only, and a meeting is prepared
only for a branch the user is secretary of."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Meeting
from editorial.models import BoardRole
from tests.branches import conftest as branch_life
from tests.branches.admin_helpers import admin_client
from tests.branches.month_data import held_meeting

pytestmark = pytest.mark.django_db

life = branch_life.life

OVERVIEW = reverse("branches_overview")
MONTHLY = reverse("branches_monthly_table")
MONTHLY_XLSX = reverse("branches_monthly_table_xlsx")
CREATE = reverse("branches_meeting_create")


@pytest.fixture
def secretary_a(client, life):
    """Branch A's secretary, an editor on branch A's board."""
    return admin_client(client, life.secretary.user, life.branch)


def test_a_branch_secretary_does_not_see_another_branchs_meetings(secretary_a, life):
    meeting = held_meeting(life.branch_2, life.tree.grassroots, grade="tot")
    Meeting.objects.filter(pk=meeting.pk).update(title="Cuộc họp của chi bộ B")

    own = secretary_a.get(OVERVIEW)
    by_code = secretary_a.get(OVERVIEW, {"unit": life.branch_2.code})
    by_id = secretary_a.get(OVERVIEW, {"unit": life.branch_2.pk})
    above = secretary_a.get(OVERVIEW, {"unit": life.tree.grassroots.code})
    as_filter = secretary_a.get(OVERVIEW, {"unit": life.branch.code, "branch": life.branch_2.pk})

    assert own.status_code == 200 and "Cuộc họp của chi bộ B" not in own.content.decode()
    assert [r.status_code for r in (by_code, by_id, above, as_filter)] == [403] * 4
    for response in (by_code, by_id, above, as_filter):
        assert "Cuộc họp của chi bộ B" not in response.content.decode()


def test_a_branch_secretary_cannot_prepare_a_meeting_for_another_branch(secretary_a, life):
    starts = timezone.localtime() + datetime.timedelta(days=2)

    response = secretary_a.post(
        CREATE,
        {
            "branch": life.branch_2.pk,
            "kind": "regular",
            "title": "Họp hộ chi bộ B",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "place": "Hội trường",
        },
    )

    assert response.status_code == 400
    assert not Meeting.objects.exists()
    # Among the branches offered (the pages' choices have ids of their own).
    branches = re.search(r'<select name="branch".*?</select>', response.content.decode(), re.S)
    assert f'value="{life.branch.pk}"' in branches.group()
    assert f'value="{life.branch_2.pk}"' not in branches.group()


def test_only_secretaries_open_the_meeting_form(client, life):
    # The committee above rates meetings; it does not prepare them.
    admin_client(client, life.committee.user, life.tree.grassroots)

    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"branch": life.branch.pk}).status_code == 403
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("url", [MONTHLY, MONTHLY_XLSX])
def test_no_table_of_another_grassroots_unit(client, life, url):
    admin_client(client, life.committee.user, life.tree.grassroots, BoardRole.APPROVER)
    month = {"month": "2026-11"}

    other = client.get(url, {"unit": life.tree.grassroots_2.code, **month})
    district = client.get(url, {"unit": life.tree.district.code, **month})
    own = client.get(url, {"unit": life.tree.grassroots.code, **month})

    assert (other.status_code, district.status_code, own.status_code) == (403, 403, 200)


def test_a_branch_board_gets_no_monthly_table(secretary_a, life):
    xlsx = secretary_a.get(MONTHLY_XLSX, {"unit": life.tree.grassroots.code})
    page = secretary_a.get(MONTHLY)  # their own unit is a branch: no table

    assert (xlsx.status_code, page.status_code) == (403, 403)
    assert xlsx["Content-Type"].startswith("text/html")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (OVERVIEW, MONTHLY, MONTHLY_XLSX, CREATE):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_only_the_branchs_secretaries_add_photos_of_its_minutes(client, life):
    meeting = held_meeting(life.branch, life.tree.grassroots)
    url = reverse("branches_minutes_photos", args=[meeting.pk])

    admin_client(client, life.other_secretary.user, life.branch_2)
    other_branch = client.get(url)
    admin_client(client, life.committee.user, life.tree.grassroots)
    committee_above = client.get(url)

    assert (other_branch.status_code, committee_above.status_code) == (404, 403)
