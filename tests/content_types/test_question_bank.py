"""The question bank: importing it from CSV and XLSX files, the rules a
question must keep (two to six choices, at least one correct), and who sees
and edits which questions in the admin.

Editors rely on an import either writing the whole file or nothing, with
every bad line listed, and on a re-run changing nothing; quizzes rely on the
bank only holding questions that can be scored.
"""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail.users.models import UserProfile

from content_types.factories import QuestionCategoryFactory, make_question
from content_types.models import Difficulty, QuestionCategory, QuizChoice, QuizQuestion
from content_types.question_import import QuestionImporter
from editorial.factories import MemberFactory
from editorial.imports import UnitImporter
from editorial.models import BoardRole, Unit
from editorial.reorganisation import merge_units

FILES = Path(__file__).parent / "files"
LIST_URL = "wagtailsnippets_content_types_quizquestion:list"
ADD_URL = "wagtailsnippets_content_types_quizquestion:add"
EDIT_URL = "wagtailsnippets_content_types_quizquestion:edit"
DELETE_URL = "wagtailsnippets_content_types_quizquestion:delete"
HEADER = "code,unit,category,difficulty,question,choice_1,choice_2,choice_3,correct,explanation\n"


# Messages are asserted in their English source form (Django's validator
# messages would otherwise come out in Vietnamese, the default language).


def run(*args, **options):
    stdout, stderr = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_questions", *map(str, args), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def rejected(path):
    stderr = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was written"):
        call_command("import_questions", str(path), stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(tmp_path, name, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def bank():
    """``{(unit code, text): (category, difficulty, [(choice, correct)], explanation, code)}``."""
    return {
        (q.unit.code, q.text): (
            q.category.name,
            q.difficulty,
            [(c.text, c.is_correct) for c in q.choices.all()],
            q.explanation,
            q.code,
        )
        for q in QuizQuestion.objects.select_related("unit", "category")
    }


EXPECTED = {
    ("TN", "Đảng Cộng sản Việt Nam được thành lập năm nào?"): (
        "Lịch sử Đảng",
        Difficulty.EASY,
        [("1925", False), ("1930", True), ("1945", False), ("1954", False)],
        "Ngày 3 tháng 2 năm 1930.",
        "LS-01",
    ),
    ("TN", "Ai chủ trì Hội nghị thành lập Đảng?"): (
        "Lịch sử Đảng",
        Difficulty.MEDIUM,
        [("Nguyễn Ái Quốc", True), ("Trần Phú", False), ("Lê Hồng Phong", False)],
        "",
        "LS-02",
    ),
    ("DT", "Những nội dung nào thuộc nguyên tắc tổ chức của Đảng?"): (
        "Điều lệ Đảng",
        Difficulty.HARD,
        [
            ("Tập trung dân chủ", True),
            ("Tự phê bình và phê bình", True),
            ("Đoàn kết thống nhất", True),
            ("Tự do ứng cử", False),
        ],
        "Điều lệ Đảng quy định ba nội dung này.",
        "ĐL-01",
    ),
    ("DT", "Đảng viên dự bị có quyền biểu quyết không?"): (
        "Điều lệ Đảng",  # "điều lệ đảng" in the file: matched ignoring case
        Difficulty.HARD,  # "khó"
        [("Có", False), ("Không", True)],
        "",
        "",
    ),
}


# --- importing ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["questions.csv", "questions.xlsx"])
def test_the_sample_files_import_the_bank(unit_tree, name):
    stdout, _ = run(FILES / name)
    assert "4 created, 0 updated, 0 unchanged." in stdout
    assert bank() == EXPECTED
    assert QuestionCategory.objects.count() == 2


@pytest.mark.parametrize("name", ["questions.csv", "questions.xlsx"])
def test_a_rerun_changes_nothing(unit_tree, name):
    run(FILES / name)
    ids = sorted(QuizChoice.objects.values_list("pk", flat=True))
    stdout, _ = run(FILES / name)
    assert "0 created, 0 updated, 4 unchanged." in stdout
    assert sorted(QuizChoice.objects.values_list("pk", flat=True)) == ids
    assert QuizQuestion.objects.count() == 4


def test_csv_and_xlsx_are_the_same_bank(unit_tree):
    run(FILES / "questions.csv")
    stdout, _ = run(FILES / "questions.xlsx")
    assert "0 created, 0 updated, 4 unchanged." in stdout


def test_a_dry_run_writes_nothing(unit_tree):
    stdout, _ = run(FILES / "questions.csv", "--dry-run", verbosity=2)
    assert "Dry run, nothing written: 4 to create, 0 to update, 0 unchanged." in stdout
    assert "created: TN/LS-01" in stdout
    assert not QuizQuestion.objects.exists() and not QuestionCategory.objects.exists()


def test_a_code_updates_its_question_and_keeps_the_choices_ids(unit_tree, tmp_path):
    run(FILES / "questions.csv")
    question = QuizQuestion.objects.get(code="LS-02")
    first_ids = list(question.choices.values_list("pk", flat=True))
    path = write(
        tmp_path,
        "edit.csv",
        HEADER + "LS-02,TN,Lịch sử Đảng,hard,Ai chủ trì Hội nghị hợp nhất?,Nguyễn Ái Quốc,"
        'Trần Phú,,"A,B",Năm 1930.\n',
    )
    stdout, _ = run(path, verbosity=2)
    assert "0 created, 1 updated, 0 unchanged." in stdout
    assert "updated: TN/LS-02 (question, difficulty, explanation, choices)" in stdout
    question.refresh_from_db()
    assert (question.text, question.difficulty, question.explanation) == (
        "Ai chủ trì Hội nghị hợp nhất?",
        Difficulty.HARD,
        "Năm 1930.",
    )
    assert list(question.choices.values_list("pk", "text", "is_correct")) == [
        (first_ids[0], "Nguyễn Ái Quốc", True),
        (first_ids[1], "Trần Phú", True),
    ]
    assert not QuizChoice.objects.filter(pk=first_ids[2]).exists()


def test_without_a_code_the_question_text_is_the_key(unit_tree, tmp_path):
    line = "DT,Điều lệ Đảng,easy,Chi bộ họp mấy lần một tháng?,Một,Hai,,1,{}\n"
    path = write(tmp_path, "a.csv", HEADER.replace("code,", "", 1) + line.format(""))
    run(path)
    path = write(tmp_path, "b.csv", HEADER.replace("code,", "", 1) + line.format("Mỗi tháng."))
    stdout, _ = run(path)
    assert "0 created, 1 updated, 0 unchanged." in stdout
    assert QuizQuestion.objects.get().explanation == "Mỗi tháng."
    # Giving the question a code later adopts it rather than copying it.
    path = write(tmp_path, "c.csv", HEADER + "CB-1," + line.format("Mỗi tháng."))
    stdout, _ = run(path)
    assert "0 created, 1 updated, 0 unchanged." in stdout
    assert QuizQuestion.objects.get().code == "CB-1"


BAD_LINES = [
    # (line after the header, the error expected)
    ("Q1,XX,Điều lệ,easy,Câu 1?,A,B,,1,", 'line 2: unit: unknown unit "XX"'),
    ("Q2,DT,Điều lệ,rất khó,Câu 2?,A,B,,1,", 'line 3: difficulty: "rất khó" is not valid'),
    ("Q3,DT,Điều lệ,easy,Câu 3?,A,,,1,", "line 4: choice_2: Give at least two choices."),
    ("Q4,DT,Điều lệ,easy,Câu 4?,A,,C,1,", "line 5: choice_2: empty, but a later choice is given"),
    ("Q5,DT,Điều lệ,easy,Câu 5?,A,a,,1,", "line 6: choice_2: the same text as choice_1"),
    ("Q6,DT,Điều lệ,easy,Câu 6?,A,B,,3,", "line 7: correct: choice 3 is not given on this line"),
    ("Q7,DT,Điều lệ,easy,Câu 7?,A,B,,x,", 'line 8: correct: "x" is not a choice number'),
    ("Q8,DT,Điều lệ,easy,Câu 8?,A,B,,,", "line 9: correct: this field is required"),
    ("Q9,DT,,easy,,A,B,,1,", "line 10: category: this field is required"),
    ("Q1,DT,Điều lệ,easy,Câu 1 lặp?,A,B,,1,", None),  # a valid line
    ("Q1,DT,Điều lệ,easy,Câu 11?,A,B,,1,", "line 12: code: the same question as line 11"),
    (",DT,Điều lệ,easy,Câu 1 lặp?,A,B,,1,", "line 13: question: the same question as line 11"),
    ("Q13,DT," + "x" * 121 + ",easy,Câu?,A,B,,1,", "line 14: category: "),
    ("Q14,DT,Điều lệ,easy," + "x" * 1001 + ",A,B,,1,", "line 15: question: at most 1000"),
]


def test_a_bad_file_lists_every_bad_line_and_writes_nothing(unit_tree, tmp_path):
    path = write(tmp_path, "bad.csv", HEADER + "\n".join(line for line, _ in BAD_LINES) + "\n")
    stderr = rejected(path)
    for _line, expected in BAD_LINES:
        if expected:
            assert expected in stderr
    assert "line 10: question: this field is required" in stderr
    assert "line 11" not in stderr.replace("as line 11", "")
    assert not QuizQuestion.objects.exists() and not QuestionCategory.objects.exists()


def test_a_merged_unit_takes_no_questions(unit_tree, tmp_path):
    merge_units(unit_tree.grassroots_2, unit_tree.grassroots)
    path = write(tmp_path, "q.csv", HEADER + "Q1,DT-X2,Điều lệ,easy,Câu?,A,B,,1,\n")
    assert 'line 2: unit: unit "DT-X2" has been merged or dissolved' in rejected(path)


def test_copies_in_the_bank_must_be_told_apart(unit_tree, tmp_path):
    category = QuestionCategory.objects.create(name="Điều lệ")
    for _copy in range(2):
        question = QuizQuestion(unit=unit_tree.district, text="Câu?", category=category)
        question.choices = [QuizChoice(text="A", is_correct=True), QuizChoice(text="B")]
        question.save()
    path = write(tmp_path, "q.csv", HEADER + ",DT,Điều lệ,easy,Câu?,A,B,,1,\n")
    assert "line 2: question: 2 questions of this unit have this text" in rejected(path)


def test_missing_and_unknown_columns_are_reported(unit_tree, tmp_path):
    path = write(tmp_path, "q.csv", "unit,category,question,choice_1,choice_2,answer\n")
    stderr = rejected(path)
    assert "line 1: difficulty: missing column" in stderr
    assert "line 1: correct: missing column" in stderr
    assert "line 1: answer: unknown column" in stderr


def test_letters_and_numbers_name_the_correct_choices(unit_tree, tmp_path):
    path = write(
        tmp_path,
        "q.csv",
        HEADER
        + "A1,DT,Điều lệ,Medium,Câu một?,A,B,C,b; C,\n"
        + "A2,DT,Điều lệ,trung bình,Câu hai?,A,B,C,1 3,\n",
    )
    run(path)
    one, two = QuizQuestion.objects.order_by("code")
    assert [c.is_correct for c in one.choices.all()] == [False, True, True]
    assert [c.is_correct for c in two.choices.all()] == [True, False, True]
    assert one.difficulty == two.difficulty == Difficulty.MEDIUM


def test_the_import_checks_the_file_in_a_fixed_number_of_queries(
    unit_tree, tmp_path, django_assert_max_num_queries
):
    lines = [f"Q{n},DT,Điều lệ,easy,Câu {n}?,A,B,C,1," for n in range(60)]
    path = write(tmp_path, "q.csv", HEADER + "\n".join(lines) + "\n")
    run(path)
    with django_assert_max_num_queries(6):
        importer = QuestionImporter(path)
        assert importer.validate() == []
    assert len(importer.result.unchanged) == 60


# --- reading spreadsheets, for every importer --------------------------------------


def test_xlsx_rows_keep_their_spreadsheet_row_numbers(unit_tree, tmp_path):
    path = write_xlsx(
        tmp_path,
        "q.xlsx",
        [
            HEADER.strip().split(","),
            ["Q1", "DT", "Điều lệ", "easy", "Câu 1?", "A", "B", None, 1, None],
            [],
            [None] * 10,
            ["Q2", "DT", "Điều lệ", "easy", "Câu 2?", "A", "B", None, 3, None],
            ["Q3", "DT", "Điều lệ", "easy", "Câu 3?", "A", "B", None, 1, None, "extra"],
        ],
    )
    stderr = rejected(path)
    assert "line 5: correct: choice 3 is not given on this line" in stderr
    assert "line 6: expected 10 values, found 11" in stderr


def test_a_file_that_is_not_a_workbook_is_refused(unit_tree, tmp_path):
    path = write(tmp_path, "q.xlsx", "code,unit\n")
    with pytest.raises(CommandError, match=r"not.*\.xlsx|\.xlsx"):
        run(path)


def test_units_can_be_imported_from_a_spreadsheet(db, tmp_path):
    path = write_xlsx(
        tmp_path,
        "units.xlsx",
        [
            ["code", "name", "short_name", "level", "parent_code", None],
            ["TN", "Tỉnh ủy", "TU", "province", None],
            ["DT", "Huyện ủy Đại Từ", "HU", "district", "TN"],
        ],
    )
    importer = UnitImporter(path)
    assert importer.validate() == []
    importer.apply()
    assert list(Unit.objects.values_list("code", "depth")) == [("TN", 1), ("DT", 2)]


# --- the bank in the admin --------------------------------------------------------


# The admin lists questions by their text; each has the two choices typed most.
YES_NO = [("Có", True), ("Không", False)]


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_an_editor_sees_the_questions_of_their_boards_subtree(client, unit_tree, board_user):
    make_question(unit_tree.district, "Câu của huyện Đại Từ", choices=YES_NO)
    make_question(unit_tree.grassroots, "Câu của xã", choices=YES_NO)
    make_question(unit_tree.district_2, "Câu của huyện bên cạnh", choices=YES_NO)
    make_question(unit_tree.province, "Câu của tỉnh", choices=YES_NO)

    client.force_login(board_user(unit_tree.district))
    response = client.get(reverse(LIST_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Câu của huyện Đại Từ" in content and "Câu của xã" in content
    assert "Câu của huyện bên cạnh" not in content and "Câu của tỉnh" not in content


def test_a_search_stays_inside_the_editors_scope(client, unit_tree, board_user):
    make_question(unit_tree.district, "Đảng phí của huyện", choices=YES_NO)
    make_question(unit_tree.district_2, "Đảng phí của huyện bên cạnh", choices=YES_NO)
    client.force_login(board_user(unit_tree.district))
    response = client.get(reverse(LIST_URL), {"q": "Đảng phí"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Đảng phí của huyện" in content and "bên cạnh" not in content


def test_platform_admins_see_every_question(client, unit_tree, board_user):
    make_question(unit_tree.district_2, "Câu của huyện bên cạnh", choices=YES_NO)
    client.force_login(board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN))
    assert "Câu của huyện bên cạnh" in client.get(reverse(LIST_URL)).content.decode()


def test_members_without_a_board_cannot_open_the_bank(client, unit_tree):
    client.force_login(MemberFactory(branch=unit_tree.branch).user)
    assert client.get(reverse(LIST_URL)).status_code in (302, 403)


def test_the_admin_menu_offers_the_bank_to_board_members(client, unit_tree, board_user):
    client.force_login(board_user(unit_tree.grassroots))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(LIST_URL) in home
    assert reverse("wagtailsnippets_content_types_questioncategory:list") in home


def test_an_editor_cannot_open_another_districts_question(client, unit_tree, board_user):
    other = make_question(unit_tree.district_2, "Câu của huyện bên cạnh", choices=YES_NO)
    own = make_question(unit_tree.grassroots, "Câu của xã", choices=YES_NO)
    client.force_login(board_user(unit_tree.district))
    assert client.get(reverse(EDIT_URL, args=[own.pk])).status_code == 200
    for name in (EDIT_URL, DELETE_URL, "wagtailsnippets_content_types_quizquestion:history"):
        assert client.get(reverse(name, args=[other.pk])).status_code in (302, 403)
    data = question_form(unit_tree.district, [("Có", True), ("Không", False)], text="Sửa")
    assert client.post(reverse(EDIT_URL, args=[other.pk]), data).status_code in (302, 403)
    other.refresh_from_db()
    assert (other.text, other.unit) == ("Câu của huyện bên cạnh", unit_tree.district_2)


def test_only_board_heads_delete_questions(client, unit_tree, board_user):
    question = make_question(unit_tree.district, "Câu của huyện", choices=YES_NO)
    url = reverse(DELETE_URL, args=[question.pk])
    client.force_login(board_user(unit_tree.district))
    assert client.post(url).status_code in (302, 403)
    assert QuizQuestion.objects.filter(pk=question.pk).exists()
    client.force_login(board_user(unit_tree.district, BoardRole.APPROVER))
    assert client.post(url).status_code == 302
    assert not QuizQuestion.objects.filter(pk=question.pk).exists()


def question_form(unit, choices, *, text="Chi bộ họp thường kỳ mấy lần?", category=None):
    category = category or QuestionCategoryFactory()
    return nested_form_data(
        {
            "text": text,
            "choices": inline_formset(
                [{"text": t, "is_correct": "on" if correct else ""} for t, correct in choices],
                min=2,
                max=6,
            ),
            "explanation": "Điều lệ Đảng.",
            "category": category.pk,
            "difficulty": Difficulty.EASY,
            "unit": unit.pk,
            "code": "",
        }
    )


def test_an_editor_adds_a_question_with_its_choices(client, unit_tree, board_user):
    client.force_login(board_user(unit_tree.grassroots))
    response = client.post(
        reverse(ADD_URL),
        question_form(unit_tree.branch, [("Một lần", True), ("Hai lần", False), ("Ba", True)]),
    )
    assert response.status_code == 302, response.context["form"].errors
    question = QuizQuestion.objects.get()
    assert question.unit == unit_tree.branch
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Một lần", True),
        ("Hai lần", False),
        ("Ba", True),
    ]


def test_an_editor_files_questions_only_under_their_own_units(client, unit_tree, board_user):
    client.force_login(board_user(unit_tree.grassroots))
    response = client.get(reverse(ADD_URL))
    offered = set(response.context["form"].fields["unit"].queryset)
    assert unit_tree.grassroots in offered and unit_tree.branch in offered
    assert unit_tree.district not in offered and unit_tree.grassroots_2 not in offered
    response = client.post(
        reverse(ADD_URL), question_form(unit_tree.district_2, [("Có", True), ("Không", False)])
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not QuizQuestion.objects.exists()


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([("Chỉ một", True)], "Give at least two choices."),
        ([(str(n), n == 1) for n in range(1, 8)], "Give at most six choices."),
        ([("Có", False), ("Không", False)], "Tick at least one correct choice."),
        ([("Có", True), ("", False)], "Give at least two choices."),
    ],
)
def test_the_choices_are_checked_in_the_form(client, unit_tree, board_user, choices, message):
    client.force_login(in_english(board_user(unit_tree.district)))
    response = client.post(reverse(ADD_URL), question_form(unit_tree.district, choices))
    assert response.status_code == 200
    formset = response.context["form"].formsets["choices"]
    assert formset.non_form_errors() == [message]
    assert message in response.content.decode()
    assert not QuizQuestion.objects.exists()


@pytest.mark.parametrize(
    "choices",
    [
        [("Có", True), ("Không", False)],
        [(str(n), n in (2, 5)) for n in range(1, 7)],
    ],
)
def test_two_to_six_choices_with_one_or_more_correct_are_accepted(
    client, unit_tree, board_user, choices
):
    client.force_login(board_user(unit_tree.district))
    response = client.post(reverse(ADD_URL), question_form(unit_tree.district, choices))
    assert response.status_code == 302
    assert QuizQuestion.objects.get().choices.count() == len(choices)


def test_board_members_add_categories_but_only_admins_rename_them(client, unit_tree, board_user):
    category = QuestionCategory.objects.create(name="Lịch sử Đảng")
    client.force_login(board_user(unit_tree.grassroots))
    add = reverse("wagtailsnippets_content_types_questioncategory:add")
    edit = reverse("wagtailsnippets_content_types_questioncategory:edit", args=[category.pk])
    assert client.post(add, {"name": "Nghị quyết"}).status_code == 302
    assert QuestionCategory.objects.filter(name="Nghị quyết").exists()
    assert client.post(edit, {"name": "Đổi tên"}).status_code in (302, 403)
    category.refresh_from_db()
    assert category.name == "Lịch sử Đảng"

    client.force_login(board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN))
    assert client.post(edit, {"name": "Lịch sử Đảng bộ"}).status_code == 302
    category.refresh_from_db()
    assert category.name == "Lịch sử Đảng bộ"
