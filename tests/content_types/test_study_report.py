"""The study completion report: its figures on a tree of several levels, its
cost (the same number of queries however large the tree), its XLSX export,
who may open it in the admin, and the preview of modules and lessons.

Committees send these figures upward every month: a wrong count or rate is a
wrong report to the province; a report that grows with the tree stops working
in a city of 16,000 branches.
"""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from content_types.models import Audience, StudyLesson
from content_types.study import complete_lesson, completion_report, open_lesson, report_modules
from content_types.views.study_report_export import completion_report_xlsx
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import BoardRole, MemberStatus, UnitLevel

from .test_study import at, publish_module, publish_quiz, submit_attempt

REPORT = "study_report"
XLSX = "study_report_xlsx"


def study(member, module):
    """The member reads every lesson of the module to the end: they complete it."""
    for lesson in StudyLesson.objects.child_of(module).live():
        complete_lesson(member.user, lesson, now=at(0))


def start(member, module):
    """The member opens every lesson of the module but reads none to the end."""
    for lesson in StudyLesson.objects.child_of(module).live():
        open_lesson(member.user, lesson, now=at(0))


@pytest.fixture
def tree(unit_tree):
    """unit_tree plus a branch under DT-X2 and one under PL.

    TN
    ├── DT ─ (1 member attached directly)
    │   ├── DT-X1 ─ C1 (3 active, 1 deceased), C2 (2)
    │   └── DT-X2 ─ DT-X2-C1 (1)
    └── PL ─ PL-C1 (2)
    """
    unit_tree.branch_3 = make_unit(
        "DT-X2-C1", parent=unit_tree.grassroots_2, level=UnitLevel.BRANCH
    )
    unit_tree.branch_4 = make_unit("PL-C1", parent=unit_tree.district_2, level=UnitLevel.BRANCH)
    for name in ("province", "district", "district_2", "grassroots", "grassroots_2"):
        getattr(unit_tree, name).refresh_from_db()
    return unit_tree


@pytest.fixture
def figures(tree):
    """Modules: M1 by the province (public), M2 by the district DT (its members
    only), M3 by DT-X1. Who completed what is listed beside each member."""
    m1, _ = publish_module(tree.province, "M1 Nghị quyết tỉnh", lessons=2)
    m2, _ = publish_module(tree.district, "M2 Nghị quyết huyện", lessons=1, audience=Audience.UNIT)
    m3, _ = publish_module(tree.grassroots, "M3 Nghị quyết xã", lessons=1)

    def members(branch, count, *completed):
        made = [MemberFactory(branch=branch) for _ in range(count)]
        for member, modules in zip(made, completed, strict=False):
            for module in modules:
                study(member, module)
        return made

    members(tree.branch, 3, [m1, m2], [m1], [m3])
    (gone,) = members(tree.branch, 1, [m1, m2])
    gone.status = MemberStatus.DECEASED  # completed, then died: no longer counted
    gone.save()
    members(tree.branch_2, 2, [m1, m2], [m2])
    members(tree.branch_3, 1, [m1])
    members(tree.branch_4, 2, [m1])
    members(tree.district, 1)
    return tree, (m1, m2, m3)


def table(report):
    """``{row: (members, [(expected, completed, rate), ...])}``, the total under
    "TOTAL" and members attached to the report's unit itself under "<code>*"."""

    def cells(row):
        return (
            row.members,
            [
                (f.expected, f.completed, None if f.rate is None else round(f.rate, 4))
                for f in row.figures
            ],
        )

    rows = {row.unit.code + ("*" if row.direct else ""): cells(row) for row in report.rows}
    rows["TOTAL"] = cells(report.total)
    return rows


# --- figures ---------------------------------------------------------------------


def test_province_report_counts_each_district_subtree(figures):
    tree, (m1, m2, _m3) = figures
    report = completion_report(tree.province, modules=[m1, m2])
    assert table(report) == {
        # DT: 3 + 2 active in DT-X1, 1 in DT-X2, 1 attached to DT itself.
        "DT": (7, [(7, 4, 0.5714), (7, 3, 0.4286)]),
        # PL may not read M2: nobody there is expected to study it.
        "PL": (2, [(2, 1, 0.5), (0, 0, None)]),
        "TOTAL": (9, [(9, 5, 0.5556), (7, 3, 0.4286)]),
    }


def test_district_report_shows_grassroots_units_and_direct_members(figures):
    tree, (m1, m2, _m3) = figures
    report = completion_report(tree.district)
    assert [module.pk for module in report.modules] == [m1.pk, m2.pk]
    assert table(report) == {
        "DT*": (1, [(1, 0, 0.0), (1, 0, 0.0)]),
        "DT-X1": (5, [(5, 3, 0.6), (5, 3, 0.6)]),
        "DT-X2": (1, [(1, 1, 1.0), (1, 0, 0.0)]),
        "TOTAL": (7, [(7, 4, 0.5714), (7, 3, 0.4286)]),
    }
    assert report.rows[0].direct and report.rows[0].unit == tree.district


def test_grassroots_report_goes_down_to_branches(figures):
    tree, (m1, m2, m3) = figures
    report = completion_report(tree.grassroots)
    assert {module.pk for module in report.modules} == {m1.pk, m2.pk, m3.pk}
    report = completion_report(tree.grassroots, modules=[m1, m2, m3])
    assert table(report) == {
        "DT-X1-C1": (3, [(3, 2, 0.6667), (3, 1, 0.3333), (3, 1, 0.3333)]),
        "DT-X1-C2": (2, [(2, 1, 0.5), (2, 2, 1.0), (2, 0, 0.0)]),
        "TOTAL": (5, [(5, 3, 0.6), (5, 3, 0.6), (5, 1, 0.2)]),
    }


def test_a_branch_report_lists_its_own_members(figures):
    tree, (m1, _m2, _m3) = figures
    report = completion_report(tree.branch_4, modules=[m1])
    assert table(report) == {"PL-C1*": (2, [(2, 1, 0.5)]), "TOTAL": (2, [(2, 1, 0.5)])}
    assert report.rows[0].label == tree.branch_4.name
    district = completion_report(tree.district_2, modules=[m1])
    assert table(district)["PL-C1"] == (2, [(2, 1, 0.5)])


def test_modules_are_those_of_the_unit_and_its_ancestors(figures):
    tree, (m1, m2, m3) = figures
    titles = {
        unit.code: {module.title for module in report_modules(unit)}
        for unit in (tree.province, tree.district, tree.district_2, tree.grassroots)
    }
    assert titles == {
        "TN": {m1.title},
        "DT": {m1.title, m2.title},
        "PL": {m1.title},
        "DT-X1": {m1.title, m2.title, m3.title},
    }
    m1.unpublish()
    assert {module.title for module in report_modules(tree.province)} == set()


def test_a_final_quiz_pass_is_needed_before_a_member_counts(tree):
    quiz = publish_quiz(tree.district)
    module, _ = publish_module(tree.district, "Có bài kiểm tra", lessons=1, final_quiz=quiz)
    member = MemberFactory(branch=tree.branch)
    study(member, module)
    assert table(completion_report(tree.district, modules=[module]))["DT-X1"] == (
        1,
        [(1, 0, 0.0)],
    )
    submit_attempt(member, quiz, passed=True, submitted_at=at(30))
    assert table(completion_report(tree.district, modules=[module]))["DT-X1"] == (
        1,
        [(1, 1, 1.0)],
    )


def test_only_members_who_read_every_lesson_to_the_end_are_counted(tree):
    module, lessons = publish_module(tree.district, "Đọc đến cuối", lessons=2)
    reader, opener, halfway = (MemberFactory(branch=tree.branch) for _ in range(3))
    study(reader, module)
    start(opener, module)
    start(halfway, module)
    complete_lesson(halfway.user, lessons[0], now=at(5))
    assert table(completion_report(tree.district, modules=[module]))["DT-X1"] == (
        3,
        [(3, 1, 0.3333)],
    )
    complete_lesson(halfway.user, lessons[1], now=at(9))
    assert table(completion_report(tree.district, modules=[module]))["DT-X1"] == (
        3,
        [(3, 2, 0.6667)],
    )


# --- cost ---------------------------------------------------------------------------


def grow(tree, modules, districts=4, grassroots=3, branches=2, members=2):
    """Add many units and members (half of them completing every module)."""
    for d in range(districts):
        district = make_unit(f"G{d}", parent=tree.province, level=UnitLevel.DISTRICT)
        for g in range(grassroots):
            unit = make_unit(f"G{d}-X{g}", parent=district, level=UnitLevel.GRASSROOTS)
            for b in range(branches):
                branch = make_unit(f"G{d}-X{g}-C{b}", parent=unit, level=UnitLevel.BRANCH)
                for n in range(members):
                    member = MemberFactory(branch=branch)
                    if n % 2 == 0:
                        for module in modules:
                            study(member, module)
    tree.province.refresh_from_db()


def count_queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_the_report_costs_the_same_queries_however_large_the_tree(
    figures, django_assert_num_queries
):
    tree, (m1, m2, _m3) = figures
    with django_assert_num_queries(5):
        small = completion_report(tree.province)
    with django_assert_num_queries(4):
        completion_report(tree.province, modules=[m1, m2])
    small_district = count_queries(lambda: completion_report(tree.district))

    grow(tree, [m1])
    with django_assert_num_queries(5):
        large = completion_report(tree.province)
    assert len(large.rows) == len(small.rows) + 4
    assert large.total.members == small.total.members + 4 * 3 * 2 * 2
    assert large.total.figures[0].completed == small.total.figures[0].completed + 4 * 3 * 2
    assert count_queries(lambda: completion_report(tree.district)) == small_district


def test_the_admin_page_costs_the_same_queries_however_large_the_tree(client, figures, board_user):
    tree, (m1, _m2, _m3) = figures
    client.force_login(board_user(tree.province, BoardRole.PLATFORM_ADMIN))

    def page():
        assert client.get(reverse(REPORT), {"unit": "TN"}).status_code == 200

    def download():
        assert client.get(reverse(XLSX), {"unit": "TN"}).status_code == 200

    small = count_queries(page), count_queries(download)
    grow(tree, [m1])
    assert (count_queries(page), count_queries(download)) == small


# --- XLSX ---------------------------------------------------------------------------


def test_xlsx_export_reads_back_with_counts_and_percentages(figures):
    tree, (m1, m2, _m3) = figures
    with translation.override("en"):
        content = completion_report_xlsx(completion_report(tree.province, modules=[m1, m2]))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Unit",
        "Code",
        "Active members",
        f"{m1.title}: members expected",
        f"{m1.title}: completed",
        f"{m1.title}: rate",
        f"{m2.title}: members expected",
        f"{m2.title}: completed",
        f"{m2.title}: rate",
    )
    assert rows[1] == pytest.approx((tree.district.name, "DT", 7, 7, 4, 4 / 7, 7, 3, 3 / 7))
    assert rows[2] == (tree.district_2.name, "PL", 2, 2, 1, 0.5, 0, 0, None)
    assert rows[3] == pytest.approx(
        (f"Total: {tree.province.name}", "TN", 9, 9, 5, 5 / 9, 7, 3, 3 / 7)
    )
    assert len(rows) == 4
    assert sheet["F2"].number_format == "0.0%"
    assert sheet["I3"].number_format == "0.0%"


# --- the admin screen ---------------------------------------------------------------


def get(client, user, view=REPORT, **params):
    client.force_login(user)
    return client.get(reverse(view), params)


@pytest.mark.parametrize(
    ("role", "unit", "asked", "status"),
    [
        # Every board role sees its own unit's subtree ...
        (BoardRole.EDITOR, "district", "DT", 200),
        (BoardRole.REVIEWER, "district", "DT-X1", 200),
        (BoardRole.APPROVER, "district", "DT-X1-C1", 200),
        (BoardRole.EDITOR, "grassroots", "DT-X1", 200),
        # ... and nothing above or beside it.
        (BoardRole.EDITOR, "district", "TN", 403),
        (BoardRole.APPROVER, "district", "PL", 403),
        (BoardRole.EDITOR, "grassroots", "DT", 403),
        (BoardRole.EDITOR, "grassroots", "DT-X2", 403),
        # The secretariat sees everything.
        (BoardRole.PLATFORM_ADMIN, "province", "PL", 200),
        (BoardRole.PLATFORM_ADMIN, "province", "DT-X1-C2", 200),
    ],
)
def test_access_matrix(client, figures, board_user, role, unit, asked, status):
    tree, _modules = figures
    user = board_user(getattr(tree, unit), role)
    assert get(client, user, unit=asked).status_code == status
    response = get(client, user, XLSX, unit=asked)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        load_workbook(io.BytesIO(response.content))


def test_the_report_opens_on_the_users_highest_unit(client, figures, board_user):
    tree, _modules = figures
    editor = board_user(tree.grassroots)
    board_user(tree.district, BoardRole.REVIEWER, username=editor.username)
    response = get(client, editor)
    assert response.status_code == 200
    assert response.context["unit"] == tree.district
    admin = board_user(tree.province, BoardRole.PLATFORM_ADMIN)
    assert get(client, admin).context["unit"] == tree.province


def test_superusers_see_any_unit_and_the_unit_can_be_chosen_by_id(client, figures):
    tree, _modules = figures
    superuser = UserFactory(is_superuser=True, is_staff=True)
    response = get(client, superuser, unit=str(tree.district_2.pk))
    assert response.status_code == 200
    assert response.context["unit"] == tree.district_2


def test_others_are_refused(client, figures):
    tree, _modules = figures
    # An admin user without a board: 403 on both the page and the download.
    clerk = UserFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert get(client, clerk).status_code == 403
    assert get(client, clerk, unit="DT").status_code == 403
    assert get(client, clerk, XLSX, unit="DT").status_code == 403
    # A plain member cannot use the admin at all: Wagtail sends them to log in.
    member = MemberFactory(branch=tree.branch).user
    response = get(client, member, unit="DT-X1")
    assert response.status_code == 302 and "login" in response.url
    client.logout()
    response = client.get(reverse(XLSX), {"unit": "DT"})
    assert response.status_code == 302 and "login" in response.url


def test_the_page_shows_rates_and_links_down_the_tree(client, figures, board_user):
    tree, (m1, m2, _m3) = figures
    # The admin speaks Vietnamese unless the user chose otherwise.
    response = get(client, board_user(tree.district), unit="DT")
    html = response.content.decode()
    assert m1.title in html and m2.title in html
    assert f"?unit={tree.grassroots.code}" in html  # drill down to DT-X1
    assert "(đảng viên sinh hoạt trực tiếp)" in html
    assert "60.0 %" in html or "60,0 %" in html  # DT-X1 completed M1: 3 of 5
    assert "42.9 %" in html or "42,9 %" in html  # the district's total for M2: 3 of 7
    assert reverse(XLSX) in html


def test_modules_can_be_narrowed(client, figures, board_user):
    tree, (_m1, m2, _m3) = figures
    response = get(client, board_user(tree.district), unit="DT", module=str(m2.pk))
    assert [module.pk for module in response.context["report"].modules] == [m2.pk]
    xlsx = get(client, board_user(tree.district), XLSX, unit="DT", module=str(m2.pk))
    header = next(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(header) == 3 + 3


def test_an_unknown_unit_code_is_reported(client, figures, board_user):
    tree, _modules = figures
    response = get(client, board_user(tree.district), unit="NO-SUCH")
    assert response.status_code == 404
    assert "Không có đơn vị nào có mã “NO-SUCH”." in response.content.decode()


def test_the_reports_menu_offers_the_study_report_to_board_members(client, figures, board_user):
    tree, _modules = figures
    url = reverse(REPORT)
    client.force_login(board_user(tree.grassroots))
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    clerk = UserFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- preview and reader pages -------------------------------------------------------


def preview(client, page, title, **fields):
    """Edit the page in the admin form, change its title, and preview it.

    StreamFields are drawn by JavaScript, so their data is given in ``fields``."""
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    data["title"] = title
    data.update(nested_form_data(fields))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(url, data).json()["is_valid"] is True
    return client.get(url)


def test_preview_of_a_module_and_a_lesson(client, tree, board_user):
    quiz = publish_quiz(tree.district, title="Bài kiểm tra cuối")
    module, (first, second) = publish_module(
        tree.district, "Học phần", lessons=2, audience=Audience.UNIT, final_quiz=quiz
    )
    # The editor is no member of the district: previews ignore the audience.
    client.force_login(board_user(tree.district))
    response = preview(client, module, "Học phần (bản nháp)")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Học phần (bản nháp)" in html
    assert html.index(first.title) < html.index(second.title)
    assert "05-NQ/HU" in html and "Bài kiểm tra cuối" in html

    body = streamfield([("paragraph", rich_text("<p>Nội dung sửa trong bản nháp</p>"))])
    response = preview(client, second, "Bài 2 (bản nháp)", body=body)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bài 2 (bản nháp)" in html and "Nội dung sửa trong bản nháp" in html
    assert module.title in html and f'href="{first.url}"' in html  # previous lesson


def test_reader_pages_of_a_module_follow_its_audience(client, tree):
    module, (lesson,) = publish_module(
        tree.district, "Riêng huyện", lessons=1, audience=Audience.UNIT
    )
    recording = get_document_model().objects.create(
        title="Bài đọc", file=ContentFile(b"ID3 audio", name="bai-doc.mp3")
    )
    lesson.audio = recording
    lesson.save_revision().publish()
    insider = MemberFactory(branch=tree.branch)
    study(insider, module)
    client.force_login(insider.user)
    response = client.get(module.url)
    assert response.status_code == 200
    assert "Bạn đã mở 1/1 bài học." in response.content.decode()
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert f'<audio controls preload="none" src="{recording.url}">' in response.content.decode()
    client.force_login(MemberFactory(branch=tree.branch_4).user)
    assert client.get(module.url).status_code == 404
    assert client.get(lesson.url).status_code == 404
