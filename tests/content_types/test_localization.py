"""Vietnamese first, English second: locales from settings, the unit tree
mirrored into each, translations made in wagtail-localize and moderated and
owned like their originals."""

import polib
import pytest
from django.test import override_settings
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from content_types.factories import publish_news
from content_types.localization import ensure_locales, source_page, translate_with
from content_types.models import Audience, NewsArticle, NewsIndexPage, PageAudience
from content_types.models.audience import readable_by
from editorial.factories import make_unit
from editorial.models import BoardRole, Unit, UnitLevel
from editorial.provisioning import provision_board


@pytest.fixture
def english(unit_tree):
    ensure_locales()
    return Locale.objects.get(language_code="en")


def english_home(unit, english):
    return Page.objects.get(translation_key=unit.home_page.translation_key, locale=english)


def translate(instance, english, strings):
    return translate_with(instance, english, strings)


def test_locales_come_from_settings_and_vietnamese_is_the_default(db):
    ensure_locales()
    assert Locale.get_default().language_code == "vi"
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"vi", "en"}
    with override_settings(
        CONTENT_LANGUAGE_CODES=["vi", "en", "fr"],
        WAGTAIL_CONTENT_LANGUAGES=[("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français")],
        LANGUAGES=[("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français")],
    ):
        assert [locale.language_code for locale in ensure_locales()] == ["fr"]
        assert ensure_locales() == []  # safe to re-run


def test_the_unit_tree_is_mirrored_into_english(unit_tree, english):
    for unit in (unit_tree.province, unit_tree.district, unit_tree.grassroots):
        home = english_home(unit, english)
        assert home.alias_of_id == unit.home_page_id
        assert home.live
        assert Unit.objects.containing_page(home).first() == unit
        slugs = {child.slug for child in home.get_children()}
        assert {"tin-tuc", "van-ban", "hoc-tap"} <= slugs

    # A unit that gets its board later is mirrored too, with its lists.
    hamlet = make_unit(
        "DT-X3", parent=unit_tree.district, level=UnitLevel.GRASSROOTS, short_name="ĐU"
    )
    provision_board(hamlet)
    hamlet.refresh_from_db()
    home = english_home(hamlet, english)
    assert home.get_parent().pk == english_home(unit_tree.district, english).pk
    assert home.get_children().count() == 3


def test_a_board_may_work_on_its_english_tree_and_no_other(unit_tree, english, board_user):
    editor = board_user(unit_tree.grassroots, BoardRole.EDITOR)
    own = english_home(unit_tree.grassroots, english)
    other = english_home(unit_tree.grassroots_2, english)
    assert own.permissions_for_user(editor).can_add_subpage()
    assert not other.permissions_for_user(editor).can_add_subpage()


def test_a_translation_is_owned_and_read_like_its_original(unit_tree, english):
    article = publish_news(unit_tree.grassroots, "Hội nghị chi bộ", audience=Audience.UNIT)
    # The new page was mirrored into English as an alias, readable as the original.
    mirror = NewsArticle.objects.get(translation_key=article.translation_key, locale=english)
    assert mirror.alias_of_id == article.pk
    assert PageAudience.objects.get(page=mirror).unit == unit_tree.grassroots

    translate(article, english, {"Hội nghị chi bộ": "Branch meeting", "Tóm tắt": "Summary"})

    translated = NewsArticle.objects.get(pk=mirror.pk)
    assert translated.alias_of_id is None
    assert (translated.title, translated.lead) == ("Branch meeting", "Summary")
    row = PageAudience.objects.get(page=translated)
    assert (row.unit, row.audience) == (unit_tree.grassroots, Audience.UNIT)
    visible = Page.objects.filter(pk=translated.pk).filter
    assert visible(readable_by(unit_tree.branch.path)).exists()
    assert not visible(readable_by(unit_tree.grassroots_2.path)).exists()
    assert not visible(readable_by(None)).exists()
    assert source_page(translated).pk == article.pk


def test_an_edit_of_the_source_reaches_the_translation(unit_tree, english):
    article = publish_news(unit_tree.district, "Tin huyện")
    translation = translate(article, english, {"Tin huyện": "District news"})

    article.lead = "Tóm tắt mới"
    article.save_revision().publish()
    translation.source.update_from_db()
    po = translation.export_po()
    assert {entry.msgid: entry.msgstr for entry in po}["Tóm tắt mới"] == ""
    translate(article, english, {"Tóm tắt mới": "New summary"})

    translated = NewsArticle.objects.get(translation_key=article.translation_key, locale=english)
    assert (translated.title, translated.lead) == ("District news", "New summary")


def test_the_po_round_trip_keeps_every_string(unit_tree, english):
    article = publish_news(unit_tree.district, "Tin PO", source_name="Báo Thái Nguyên")
    source, _created = TranslationSource.get_or_create_from_instance(article)
    translation = Translation.objects.create(source=source, target_locale=english)
    exported = translation.export_po()
    assert {"Tin PO", "Tóm tắt", "Báo Thái Nguyên"} <= {entry.msgid for entry in exported}

    for entry in exported:
        entry.msgstr = f"EN {entry.msgid}"
    reloaded = polib.pofile(exported.__unicode__())
    translation.import_po(reloaded)
    again = translation.export_po()
    assert all(entry.msgstr == f"EN {entry.msgid}" for entry in again)
    translation.save_target(publish=True)
    translated = NewsArticle.objects.get(translation_key=article.translation_key, locale=english)
    assert translated.title == "EN Tin PO"


def test_a_translation_is_moderated_by_its_originals_workflow(unit_tree, english):
    from wagtail.models import Workflow, WorkflowPage

    workflow = Workflow.objects.create(name="Duyệt của huyện")
    WorkflowPage.objects.update_or_create(
        page=unit_tree.district.home_page, defaults={"workflow": workflow}
    )
    article = publish_news(unit_tree.district, "Tin cần duyệt")
    translate(article, english, {"Tin cần duyệt": "News to review"})
    translated = NewsArticle.objects.get(translation_key=article.translation_key, locale=english)
    assert translated.get_workflow() == workflow


def test_news_lists_exist_in_english_after_sync(unit_tree, english):
    lists = NewsIndexPage.objects.filter(locale=english)
    assert lists.count() == 5


def test_an_english_quiz_asks_the_english_questions(unit_tree, english):
    from content_types.models import QuestionCategory, QuizQuestion
    from content_types.quizzes import attempt_questions, start_attempt
    from editorial.factories import MemberFactory

    from .test_quizzes import T0, make_question, publish_quiz

    category = QuestionCategory.objects.create(name="Điều lệ Đảng")
    question = make_question(unit_tree.district, "Đảng viên có mấy nhiệm vụ?", category)
    translate(category, english, {"Điều lệ Đảng": "Party statute"})
    translate(
        question,
        english,
        {"Đảng viên có mấy nhiệm vụ?": "How many duties has a member?", "Đúng": "Right"},
    )
    english_question = QuizQuestion.objects.get(
        translation_key=question.translation_key, locale=english
    )
    assert english_question.choices.filter(is_correct=True).get().text == "Right"

    quiz = publish_quiz(unit_tree.district, ((None, "", 1),))
    translate(quiz, english, {"Thi tìm hiểu": "Quiz"})
    english_quiz = quiz.get_translation(english)
    member = MemberFactory(branch=unit_tree.branch)

    attempt = start_attempt(english_quiz, member.user, now=T0)
    assert [q.text for q in attempt_questions(attempt)] == ["How many duties has a member?"]
    # The bank as written is still what Vietnamese quizzes draw from.
    attempt = start_attempt(quiz, member.user, now=T0)
    assert [q.text for q in attempt_questions(attempt)] == ["Đảng viên có mấy nhiệm vụ?"]
