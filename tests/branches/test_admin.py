"""Branch life in the admin: the committee's view of its branches' meetings,
votes and tasks, the monthly table with its XLSX, and "New meeting"."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from branches import meetings
from branches.models import Meeting, MeetingState, Notification, Vote
from content_types.factories import publish_news
from tests.branches.admin_helpers import admin_client
from tests.branches.month_data import busy_branch, held_meeting, task
from tests.branches.test_heic import heic_photo
from tests.content_types.test_documents import make_pdf

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("branches_overview")
MONTHLY = reverse("branches_monthly_table")
MONTHLY_XLSX = reverse("branches_monthly_table_xlsx")
CREATE = reverse("branches_meeting_create")


@pytest.fixture
def committee(client, life):
    """The grassroots committee's secretary, on the grassroots unit's board."""
    return admin_client(client, life.committee.user, life.tree.grassroots)


@pytest.fixture
def november(life):
    """November 2026 in both branches: a rated meeting with a closed vote and
    an open meeting in the first, a held one in the second; tasks."""
    grassroots = life.tree.grassroots
    present = [life.secretary, life.official, life.official_2]
    rated = held_meeting(life.branch, grassroots, grade="kha", present=present)
    rated.title = "Sinh hoạt tháng 11"
    rated.save()
    Vote.objects.create(
        meeting=rated,
        question="Kết nạp đảng viên mới",
        secret=True,
        state="closed",
        eligible_count=3,
        approve_count=3,
        reject_count=0,
        abstain_count=0,
    )
    held_meeting(life.branch_2, grassroots, present=[life.other_member], absent=[life.resident])
    task(life.branch, present[:2], due_on=datetime.date(2026, 11, 10))
    task(life.branch_2, [life.other_member], due_on=datetime.date(2026, 11, 30))
    return rated


def test_the_committee_sees_its_branches_meetings_votes_and_tasks(committee, life, november):
    draft = meetings.create_meeting(
        life.secretary,
        life.branch,
        title="Dự thảo chưa công bố",
        starts_at=timezone.now(),
        place="Hội trường",
    )

    html = committee.get(OVERVIEW).content.decode()

    assert "Sinh hoạt tháng 11" in html and "Fairly good" in html
    assert "3/3" in html  # present among recorded
    assert "Kết nạp đảng viên mới" in html and "3 approve, 0 reject, 0 abstain of 3" in html
    assert html.count("Thu đảng phí") == 2
    assert draft.title not in html  # the secretaries' own


def test_the_committee_filters_by_branch_month_and_state(committee, life, november):
    only_branch_2 = committee.get(OVERVIEW, {"branch": life.branch_2.pk}).content.decode()
    october = committee.get(OVERVIEW, {"month": "2026-10"}).content.decode()
    announced = committee.get(OVERVIEW, {"state": "published"}).content.decode()

    assert "Sinh hoạt tháng 11" not in only_branch_2 and "1/2" in only_branch_2
    assert "No meetings match." in october and "No tasks match." in october
    assert "No meetings match." in announced


def test_the_monthly_table_page_shows_a_row_per_branch_and_the_total(committee, life, november):
    response = committee.get(MONTHLY, {"unit": "DT-X1", "month": "2026-11"})

    html = response.content.decode()
    assert response.status_code == 200
    assert life.branch.name in html and life.branch_2.name in html
    assert "100.0%" in html and "80.0%" in html  # 3 of 3; 4 of 5 in all
    assert f'href="{MONTHLY_XLSX}?unit=DT-X1&amp;month=2026-11"' in html


def test_the_monthly_table_downloads_as_xlsx(committee, life, november):
    response = committee.get(MONTHLY_XLSX, {"unit": "DT-X1", "month": "2026-11"})

    assert response.status_code == 200
    assert 'filename="branch-life-dt-x1-2026-11.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Branch", "Code", "Meetings held")
    first = next(row for row in rows if row[1] == life.branch.code)
    # held 1; good 0, fairly good 1, average 0, poor 0; all present; 1 vote; 1 task open, overdue
    assert first[2:] == (1, 0, 1, 0, 0, 1.0, 1, 1, 1)
    assert rows[-1][0] == f"Total: {life.tree.grassroots.name}" and rows[-1][2] == 2
    assert sheet.cell(row=len(rows), column=8).number_format == "0.0%"


def test_the_monthly_page_costs_the_same_queries_for_2_and_6_branches(
    client, unit_tree, board_user
):
    admin_client(client, board_user(unit_tree.grassroots_2))

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MONTHLY, {"unit": "DT-X2", "month": "2026-11"})
        assert response.status_code == 200
        return len(queries)

    for number in range(2):
        busy_branch(unit_tree.grassroots_2, f"DT-X2-A{number}")
    with_two = page_queries()
    for number in range(4):
        busy_branch(unit_tree.grassroots_2, f"DT-X2-B{number}")

    assert page_queries() == with_two


def test_a_branch_secretary_prepares_and_announces_a_meeting(client, life):
    admin_client(client, life.secretary.user, life.branch)
    news = publish_news(life.tree.grassroots, "Hướng dẫn sinh hoạt chuyên đề")
    starts = timezone.localtime() + datetime.timedelta(days=5)

    form = client.get(CREATE, {"unit": life.branch.pk}).content.decode()
    response = client.post(
        f"{CREATE}?unit={life.branch.pk}",
        {
            "branch": life.branch.pk,
            "kind": "thematic",
            "title": "Sinh hoạt chuyên đề quý IV",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "place": "Nhà văn hoá xóm",
            "agenda": "Học tập chuyên đề\n\nKiểm điểm công việc\n",
            "pages": [news.pk],
            "files": [
                SimpleUploadedFile("nghi-quyet.pdf", make_pdf("Nghi quyet"), "application/pdf"),
                SimpleUploadedFile("IMG_0001.HEIC", heic_photo(), "image/heic"),
            ],
            "announce": "on",
        },
    )

    assert f'value="{life.branch.pk}" selected' in form and news.title in form
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting = Meeting.objects.get(title="Sinh hoạt chuyên đề quý IV")
    assert (meeting.state, meeting.kind) == (MeetingState.PUBLISHED, "thematic")
    assert list(meeting.agenda.values_list("title", flat=True)) == [
        "Học tập chuyên đề",
        "Kiểm điểm công việc",
    ]
    materials = list(meeting.materials.all())
    assert [m.page_id for m in materials] == [news.pk, None, None]
    photo = materials[2].document
    assert photo.filename.endswith(".jpg")
    with photo.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
    assert Notification.objects.filter(user=life.official.user, kind="meeting_notice").exists()


def test_the_services_refusals_are_shown_on_their_field(client, life):
    admin_client(client, life.secretary.user, life.branch)
    starts = timezone.localtime() + datetime.timedelta(days=5)

    response = client.post(
        CREATE,
        {
            "branch": life.branch.pk,
            "kind": "regular",
            "title": "Sinh hoạt tháng 12",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "place": "Nhà văn hoá",
            "files": [SimpleUploadedFile("bao-cao.exe", b"MZ\x90\x00" * 10)],
        },
    )

    assert response.status_code == 400
    assert not Meeting.objects.exists()
    assert "The meeting cannot end before it starts." in response.content.decode()


def test_the_landing_offers_new_meeting_to_the_secretary(client, life):
    admin_client(client, life.secretary.user, life.branch)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f'href="{CREATE}?unit={life.branch.pk}"' in html
    assert "branch-life" in html  # the menu
