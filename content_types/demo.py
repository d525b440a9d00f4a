"""Demo content for `make run`: a few items of every type, with each audience.

Idempotent: an item is found by its slug (or its text) under its unit and left
alone when it exists.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale, Page

from editorial.models import Member, Unit, UnitLevel
from editorial.provisioning import grant_on_home_translations

from .localization import ensure_locales, synchronise_trees, translate_with
from .models import (
    AnswerCategory,
    AnswerEntry,
    Audience,
    Difficulty,
    LearningIndexPage,
    LessonProgress,
    MemberQuestion,
    NewsArticle,
    NewsCategory,
    NewsIndexPage,
    QuestionCategory,
    Quiz,
    QuizChoice,
    QuizDrawRule,
    QuizQuestion,
    StudyLesson,
    StudyModule,
    StudyModuleDocument,
)
from .models.documents import (
    DocumentIndexPage,
    DocumentRelation,
    DocumentStatus,
    PartyDocument,
    RelationKind,
)
from .quizzes import start_attempt, submit_attempt
from .study import complete_lesson, open_lesson

NEWS = [
    (
        "hoi-nghi-quan-triet-nghi-quyet",
        "Hội nghị quán triệt Nghị quyết về chuyển đổi số",
        "Cấp ủy tổ chức hội nghị học tập, quán triệt nghị quyết về chuyển đổi số "
        "trong hoạt động của Đảng.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.PUBLIC,
    ),
    (
        "thong-bao-sinh-hoat-chi-bo",
        "Thông báo lịch sinh hoạt chi bộ tháng này",
        "Các chi bộ sinh hoạt định kỳ vào ngày 3 hằng tháng; tài liệu gửi trước trên Sổ tay.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.MEMBERS,
    ),
    (
        "ket-qua-kiem-tra-giam-sat",
        "Kết quả kiểm tra, giám sát quý III (lưu hành nội bộ)",
        "Tóm tắt kết quả kiểm tra, giám sát đối với tổ chức đảng và đảng viên trong đơn vị.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.UNIT,
    ),
]

BODY = [
    {
        "type": "paragraph",
        "value": "<p>Nội dung minh họa cho bản demo của Sổ tay đảng viên điện tử.</p>",
    },
    {"type": "heading", "value": "Nhiệm vụ trọng tâm"},
    {
        "type": "quote",
        "value": {"quote": "Đảng viên đi trước, làng nước theo sau.", "attribution": ""},
    },
]

DEMO_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.BLOC, UnitLevel.GRASSROOTS)


def seed_news(log=print, per_level=2):
    """Publish the demo news under the first few units of each level that have a news list."""
    created = existing = 0
    today = timezone.localdate()
    for level in DEMO_LEVELS:
        units = Unit.objects.active().filter(level=level, home_page__isnull=False)[:per_level]
        for unit in units:
            index = NewsIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).first()
            if index is None:
                continue
            for n, (slug, title, lead, category, audience) in enumerate(NEWS):
                if NewsArticle.objects.child_of(index).filter(slug=slug).exists():
                    existing += 1
                    continue
                article = NewsArticle(
                    title=f"{title} – {unit.short_name}",
                    slug=slug,
                    lead=lead,
                    body=BODY,
                    category=category,
                    audience=audience,
                    date=today - timedelta(days=n),
                )
                index.add_child(instance=article)
                article.save_revision().publish()
                created += 1
    log(f"news: created {created}, {existing} already there")
    return created


def _publish_document(unit, number, document_type, title, summary, audience, issued_on):
    index = DocumentIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).first()
    if index is None:
        return None, False
    existing = PartyDocument.objects.child_of(index).filter(number=number).first()
    if existing:
        return existing, False
    document = PartyDocument(
        title=title,
        number=number,
        document_type=document_type,
        issued_on=issued_on,
        signer="Bí thư",
        status=DocumentStatus.IN_FORCE,
        summary=summary,
        audience=audience,
    )
    document.full_clean(exclude=["path", "depth", "slug", "url_path"])
    index.add_child(instance=document)
    document.save_revision().publish()
    return document, True


def seed_documents(log=print):
    """A provincial resolution, and a district plan that implements it."""
    province = Unit.objects.active().filter(level=UnitLevel.PROVINCE).first()
    district = Unit.objects.active().filter(level=UnitLevel.DISTRICT).first()
    if province is None or district is None:
        return 0
    today = timezone.localdate()
    resolution, new_resolution = _publish_document(
        province,
        f"05-NQ/{province.short_name}",
        "NQ",
        "Nghị quyết về chuyển đổi số trong hoạt động của Đảng bộ tỉnh",
        "Đẩy mạnh chuyển đổi số trong công tác xây dựng Đảng giai đoạn 2025-2030.",
        Audience.PUBLIC,
        today - timedelta(days=60),
    )
    plan, new_plan = _publish_document(
        district,
        f"121-KH/{district.short_name}",
        "KH",
        "Kế hoạch thực hiện Nghị quyết về chuyển đổi số",
        "Triển khai Nghị quyết của Tỉnh ủy về chuyển đổi số tại huyện.",
        Audience.MEMBERS,
        today - timedelta(days=30),
    )
    if new_plan and resolution is not None:
        DocumentRelation.objects.create(
            source=plan, kind=RelationKind.IMPLEMENTS, target=resolution
        )
    created = int(new_resolution) + int(new_plan)
    log(f"documents: created {created}, {2 - created} already there")
    return created


ANSWERS = [
    (
        "Đảng viên đóng đảng phí theo mức nào?",
        "<p>Đảng viên có thu nhập thường xuyên đóng 1% thu nhập hằng tháng; các trường hợp "
        "khác theo quy định của Ban Chấp hành Trung ương.</p>",
        AnswerCategory.FEES,
    ),
    (
        "Chuyển sinh hoạt đảng tạm thời cần giấy tờ gì?",
        "<p>Đơn đề nghị, giấy giới thiệu sinh hoạt đảng tạm thời của chi bộ nơi đang sinh "
        "hoạt chính thức và xác nhận của nơi đến.</p>",
        AnswerCategory.PROCEDURES,
    ),
    (
        "Sổ tay đảng viên điện tử dùng để làm gì?",
        "<p>Đọc tin tức, văn bản, học tập nghị quyết, làm bài kiểm tra và gửi câu hỏi tới "
        "cấp ủy.</p>",
        AnswerCategory.OTHER,
    ),
]


def _top_unit():
    return Unit.objects.active().filter(level=UnitLevel.PROVINCE).first()


def seed_answers(log=print):
    """A few published ready answers of the province, and one member's question."""
    province = _top_unit()
    if province is None:
        return 0
    created = 0
    for question, answer, category in ANSWERS:
        if AnswerEntry.objects.filter(unit=province, question=question).exists():
            continue
        entry = AnswerEntry(question=question, answer=answer, category=category, unit=province)
        entry.save()
        entry.save_revision().publish()
        created += 1
    asker = Member.objects.active().filter(user__username=DEMO_MEMBER).first()
    if asker and not MemberQuestion.objects.filter(asker=asker.user).exists():
        MemberQuestion.ask(asker.user, "Chi bộ có thể sinh hoạt trực tuyến khi mưa lũ không?")
    log(f"answers: created {created}, {len(ANSWERS) - created} already there")
    return created


# (category, difficulty, question, [(choice, correct), ...], explanation)
QUESTIONS = [
    (
        "Điều lệ Đảng",
        Difficulty.EASY,
        "Đảng viên dự bị có quyền biểu quyết không?",
        [("Có", False), ("Không", True), ("Chỉ khi chi bộ đồng ý", False)],
        "Đảng viên dự bị có các quyền như đảng viên chính thức, trừ quyền biểu quyết, "
        "ứng cử và bầu cử cơ quan lãnh đạo của Đảng.",
    ),
    (
        "Điều lệ Đảng",
        Difficulty.EASY,
        "Chi bộ sinh hoạt thường kỳ bao lâu một lần?",
        [("Mỗi tuần", False), ("Mỗi tháng", True), ("Mỗi quý", False), ("Mỗi năm", False)],
        "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.",
    ),
    (
        "Điều lệ Đảng",
        Difficulty.MEDIUM,
        "Thời gian dự bị của đảng viên là bao lâu?",
        [("6 tháng", False), ("12 tháng", True), ("18 tháng", False), ("24 tháng", False)],
        "Người được kết nạp vào Đảng phải trải qua thời kỳ dự bị mười hai tháng.",
    ),
    (
        "Điều lệ Đảng",
        Difficulty.MEDIUM,
        "Những hình thức kỷ luật nào áp dụng với đảng viên chính thức?",
        [("Khiển trách", True), ("Cảnh cáo", True), ("Cách chức", True), ("Phạt tiền", False)],
        "Khiển trách, cảnh cáo, cách chức, khai trừ.",
    ),
    (
        "Chuyển đổi số",
        Difficulty.EASY,
        "Sổ tay đảng viên điện tử giúp đảng viên làm gì?",
        [("Đọc văn bản của cấp ủy", True), ("Nộp thuế", False), ("Học tập nghị quyết", True)],
        "Sổ tay phục vụ đọc tin, văn bản, học tập nghị quyết và hỏi đáp.",
    ),
    (
        "Chuyển đổi số",
        Difficulty.MEDIUM,
        "Nghị quyết về chuyển đổi số của Tỉnh ủy áp dụng cho giai đoạn nào?",
        [("2020-2025", False), ("2025-2030", True), ("2030-2035", False)],
        "Nghị quyết đặt mục tiêu cho giai đoạn 2025-2030.",
    ),
    (
        "Chuyển đổi số",
        Difficulty.HARD,
        "Dữ liệu đảng viên được khai thác trên Sổ tay theo nguyên tắc nào?",
        [
            ("Mỗi đảng viên chỉ thấy nội dung được phép đọc", True),
            ("Ai cũng xem được mọi văn bản", False),
            ("Chỉ quản trị viên được đọc tin", False),
        ],
        "Nội dung được phân quyền theo đối tượng đọc của từng đơn vị.",
    ),
    (
        "Lịch sử Đảng",
        Difficulty.EASY,
        "Đảng Cộng sản Việt Nam được thành lập năm nào?",
        [("1925", False), ("1930", True), ("1945", False), ("1954", False)],
        "Ngày 3 tháng 2 năm 1930.",
    ),
]

DEMO_MEMBER = "tn-02-001-01-001"
QUIZ_SLUG = "kiem-tra-nghi-quyet-chuyen-doi-so"
MODULE_SLUG = "hoc-tap-nghi-quyet-chuyen-doi-so"
LESSONS = [
    ("bai-1-muc-tieu", "Bài 1. Mục tiêu của Nghị quyết", "Mục tiêu đến năm 2030"),
    ("bai-2-nhiem-vu", "Bài 2. Nhiệm vụ và giải pháp", "Ba nhóm giải pháp chính"),
    ("bai-3-to-chuc-thuc-hien", "Bài 3. Tổ chức thực hiện", "Trách nhiệm của chi bộ"),
]


def seed_question_bank(log=print):
    province = _top_unit()
    if province is None:
        return 0
    created = 0
    for category_name, difficulty, text, choices, explanation in QUESTIONS:
        category, _new = QuestionCategory.objects.get_or_create(
            name=category_name, locale=Locale.get_default()
        )
        if QuizQuestion.objects.in_source_language().filter(unit=province, text=text).exists():
            continue
        question = QuizQuestion(
            unit=province,
            text=text,
            category=category,
            difficulty=difficulty,
            explanation=explanation,
        )
        question.choices = [QuizChoice(text=t, is_correct=correct) for t, correct in choices]
        question.save()
        created += 1
    log(f"question bank: created {created}, {len(QUESTIONS) - created} already there")
    return created


def _learning_index(unit):
    home = Page.objects.get(pk=unit.home_page_id).specific
    home.provision_children()  # homes made before study lists existed get theirs
    return LearningIndexPage.objects.child_of(home).first()


def seed_study(log=print):
    """The province's quiz on its digital transformation resolution, and a
    study module of three lessons that ends with that quiz."""
    province = _top_unit()
    if province is None or province.home_page_id is None:
        return 0
    index = _learning_index(province)
    created = 0
    now = timezone.now()
    quiz = Quiz.objects.child_of(index).filter(slug=QUIZ_SLUG).first()
    if quiz is None:
        quiz = Quiz(
            title="Kiểm tra hiểu biết Nghị quyết về chuyển đổi số",
            slug=QUIZ_SLUG,
            intro="<p>Năm câu hỏi, làm trong 10 phút.</p>",
            time_limit_minutes=10,
            opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(days=60),
            attempts_allowed=3,
            pass_mark=60,
            audience=Audience.MEMBERS,
        )
        quiz.draw_rules = [QuizDrawRule(count=5)]
        index.add_child(instance=quiz)
        quiz.save_revision().publish()
        created += 1
    module = StudyModule.objects.child_of(index).filter(slug=MODULE_SLUG).first()
    if module is None:
        module = StudyModule(
            title="Học tập Nghị quyết về chuyển đổi số",
            slug=MODULE_SLUG,
            intro="<p>Ba bài ngắn, có bản ghi âm để nghe.</p>",
            estimated_minutes=30,
            opens_on=timezone.localdate() - timedelta(days=7),
            due_on=timezone.localdate() + timedelta(days=30),
            final_quiz=quiz,
            audience=Audience.MEMBERS,
        )
        resolution = PartyDocument.objects.filter(document_type="NQ").first()
        if resolution is not None:
            module.taught_documents = [StudyModuleDocument(document=resolution)]
        index.add_child(instance=module)
        module.save_revision().publish()
        created += 1
    for slug, title, heading in LESSONS:
        if StudyLesson.objects.child_of(module).filter(slug=slug).exists():
            continue
        lesson = StudyLesson(
            title=title,
            slug=slug,
            body=[{"type": "heading", "value": heading}, *BODY[:1]],
            estimated_minutes=10,
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
        created += 1
    log(f"study and quizzes: created {created} pages")
    return created


def seed_study_progress(log=print, members_per_unit=12):
    """Some members of the demo district's grassroots units study the demo
    module: a third finish it and pass its quiz, a third open two lessons, a
    third have not started, so the study report and rankings show figures."""
    module = StudyModule.objects.live().filter(slug=MODULE_SLUG).first()
    districts = Unit.objects.active().filter(level=UnitLevel.DISTRICT).order_by("path")
    demo_member = Member.objects.filter(user__username=DEMO_MEMBER).select_related("branch")
    if demo_member.exists():  # the district whose board logins the README lists
        districts = districts.filter(path__in=demo_member.get().branch.ancestor_paths())
    district = districts.first()
    if module is None or district is None:
        return 0
    lessons = list(module.lessons())
    started = 0
    for unit in Unit.objects.active().filter(level=UnitLevel.GRASSROOTS).subtree_of(district)[:2]:
        members = Member.objects.active().in_subtree_of(unit).select_related("user")
        for n, member in enumerate(members.order_by("pk")[:members_per_unit]):
            if n % 3 == 2 or LessonProgress.objects.filter(member=member, module=module).exists():
                continue
            for lesson in lessons if n % 3 == 0 else lessons[:2]:
                # Those who finish read every lesson to the end; the others open two.
                (complete_lesson if n % 3 == 0 else open_lesson)(member.user, lesson)
            if n % 3 == 0 and module.final_quiz is not None:
                attempt = start_attempt(module.final_quiz, member.user)
                drawn = [item["question"] for item in attempt.drawn]
                correct = QuizChoice.objects.filter(question_id__in=drawn, is_correct=True)
                answers = {}
                for choice in correct:
                    answers.setdefault(choice.question_id, []).append(choice.pk)
                submit_attempt(attempt, answers, key=f"demo-{member.pk}")
            started += 1
    log(f"study progress: {started} members started the demo module")
    return started


# English translations of a few demo items, as a translator would upload them.
NEWS_IN_ENGLISH = {
    "Hội nghị quán triệt Nghị quyết về chuyển đổi số": (
        "Conference on the Resolution on digital transformation"
    ),
    "Cấp ủy tổ chức hội nghị học tập, quán triệt nghị quyết về chuyển đổi số "
    "trong hoạt động của Đảng.": (
        "The Party committee held a conference to study the resolution on digital "
        "transformation in the Party's work."
    ),
    "Thông báo lịch sinh hoạt chi bộ tháng này": "This month's branch meeting schedule",
    "Các chi bộ sinh hoạt định kỳ vào ngày 3 hằng tháng; tài liệu gửi trước trên Sổ tay.": (
        "Branches meet on the 3rd of every month; papers are sent beforehand in the Handbook."
    ),
    "Nội dung minh họa cho bản demo của Sổ tay đảng viên điện tử.": (
        "Sample content for the demo of the electronic Party member's handbook."
    ),
    "Nhiệm vụ trọng tâm": "Key tasks",
    "Đảng viên đi trước, làng nước theo sau.": "Party members lead, the village follows.",
}


def seed_translations(log=print):
    """Mirror the demo tree into every content language and translate the
    province's first two news items into English. Idempotent."""
    ensure_locales()
    synchronise_trees()
    grant_on_home_translations()
    english = Locale.objects.filter(language_code="en").first()
    province = _top_unit()
    if english is None or province is None or province.home_page_id is None:
        return 0
    strings = dict(NEWS_IN_ENGLISH)
    translated = 0
    home = Page.objects.get(pk=province.home_page_id)
    for slug, title, *_rest in NEWS[:2]:
        article = NewsArticle.objects.descendant_of(home).filter(slug=slug, locale=home.locale)
        article = article.first()
        if article is None:
            continue
        done = NewsArticle.objects.filter(
            translation_key=article.translation_key, locale=english, alias_of__isnull=True
        ).exists()
        if done:
            continue
        strings[article.title] = f"{NEWS_IN_ENGLISH[title]} – {province.short_name}"
        translate_with(article, english, strings)
        translated += 1
    log(f"translations: {translated} news items translated into English")
    return translated
