"""What a page says: its script, in order, with pauses, cut into chunks."""

from pathlib import Path

import pytest

from content_types.factories import publish_document, publish_news
from readaloud.script import (
    HEADING_PAUSE_MS,
    PARAGRAPH_PAUSE_MS,
    Segment,
    chunks,
    page_script,
    rich_text_words,
    script_hash,
    ssml,
)
from readaloud.synthesis import synthesise

from .conftest import body


def test_rich_text_keeps_each_block_as_a_line_without_tags_or_entities():
    html = "<p>Một &amp; hai</p><ul><li>Thứ nhất</li><li>Thứ hai</li></ul><p>Ba<br/>bốn</p>"
    assert rich_text_words(html).split("\n") == [
        "Một & hai",
        "Thứ nhất",
        "Thứ hai",
        "Ba",
        "bốn",
        "",
    ]


@pytest.mark.django_db
def test_an_article_reads_title_lead_and_body_with_a_longer_pause_after_headings(unit_tree):
    article = publish_news(
        unit_tree.province,
        "Hội nghị Tỉnh ủy",
        lead="Sáng 31/12/2020, Tỉnh ủy họp.",
        body=body("Tỷ lệ đạt 72,87%.", "Xem https://example.vn/tin.", heading="Kết quả"),
    )
    assert page_script(article) == [
        Segment("Hội nghị Tỉnh ủy", HEADING_PAUSE_MS),
        Segment(
            "Sáng ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi, Tỉnh ủy họp.",
            PARAGRAPH_PAUSE_MS,
        ),
        Segment("Kết quả", HEADING_PAUSE_MS),
        Segment("Tỷ lệ đạt bảy mươi hai phẩy tám mươi bảy phần trăm.", PARAGRAPH_PAUSE_MS),
        Segment("Xem.", PARAGRAPH_PAUSE_MS),
    ]


@pytest.mark.django_db
def test_a_document_announces_its_symbol_and_date_before_its_summary(unit_tree):
    document = publish_document(
        unit_tree.province, "05-NQ/TU", "NQ", title="Nghị quyết", summary="Về chuyển đổi số."
    )
    said = [segment.text for segment in page_script(document)]
    assert said[0] == "Nghị quyết"
    assert said[1].startswith("số năm, nghị quyết của Tỉnh ủy, ngày ")
    assert said[2] == "Về chuyển đổi số."


def test_the_hash_changes_with_the_words_the_pauses_and_the_voice(settings):
    words = [Segment("Xin chào", HEADING_PAUSE_MS), Segment("các đồng chí")]
    same = script_hash(words)
    assert script_hash(list(words)) == same
    assert script_hash([words[0], Segment("các đồng chí.")]) != same
    assert script_hash([Segment("Xin chào"), words[1]]) != same
    settings.READALOUD_VOICE = "vi-vn-x-south"
    assert script_hash(words) != same


def test_ssml_escapes_the_text_and_marks_each_pause():
    assert ssml([Segment("A & <b>", 900), Segment("c")]) == (
        '<speak>A &amp; &lt;b&gt;<break time="900ms"/>c<break time="450ms"/></speak>'
    )


def test_long_texts_are_cut_at_sentence_ends_into_chunks_that_keep_every_word():
    sentence = "Chi bộ họp thường kỳ hằng tháng. "
    long = Segment((sentence * 200).strip(), HEADING_PAUSE_MS)
    pieces = list(chunks([Segment("Tiêu đề", HEADING_PAUSE_MS), long], 1000))
    assert len(pieces) > 5
    assert all(sum(len(s.text) for s in piece) <= 1000 for piece in pieces)
    said = " ".join(s.text for piece in pieces for s in piece)
    assert said.split() == ["Tiêu", "đề", *long.text.split()]
    # Only the end of the long segment keeps its heading pause.
    assert pieces[-1][-1].pause_ms == HEADING_PAUSE_MS
    assert all(s.text.endswith(".") for piece in pieces for s in piece[1:])


def test_a_sentence_longer_than_a_chunk_is_cut_between_words():
    words = " ".join(["đảng viên"] * 400)
    pieces = list(chunks([Segment(words)], 500))
    assert all(len(s.text) <= 500 for piece in pieces for s in piece)
    assert " ".join(s.text for piece in pieces for s in piece).split() == words.split()


def test_words_joined_by_hyphens_that_crashed_espeak_ng_are_spoken(tmp_path):
    """espeak-ng 1.51 died (SIGSEGV) on this page's text, which says
    "ki-lô-mét": the voice now gets the words apart."""
    lines = (Path(__file__).parent / "espeak_crash.txt").read_text().splitlines()
    segments = [Segment(text, int(pause)) for pause, text in (line.split("\t") for line in lines)]
    assert any("ki-lô-mét" in segment.text for segment in segments)
    made = synthesise(segments, tmp_path)
    assert made.duration_seconds > 60
