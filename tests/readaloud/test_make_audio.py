"""``manage.py make_audio``: the audio of pages published before read-aloud."""

import io
import random

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import translation

from content_types.factories import publish_news
from readaloud import backfill
from readaloud.models import AudioState, PageAudio

from .conftest import codec_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(unit_tree, settings):
    """Four short articles published with no audio: one of the province, one
    of district DT, one of its grassroots unit DT-X1, one of district PL. Their
    words are new to each test: audio files stay in the media folder between
    tests, and a page that says what a file says reuses it."""
    settings.READALOUD_ON_PUBLISH = False
    fresh = random.randrange(10**6)
    made = {
        key: publish_news(getattr(unit_tree, key), f"Tin {n} của {key}", lead=f"Số {fresh}.")
        for n, key in enumerate(["province", "district", "grassroots", "district_2"], start=1)
    }
    assert not PageAudio.objects.exists()
    return made


def make_audio(*args):
    """Run the command (in English: it speaks the site's language, Vietnamese,
    by default); returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("make_audio", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def audio_of(page):
    return PageAudio.objects.filter(page_id=page.pk).first()


def made_at(pages):
    return {key: audio_of(page).made_at for key, page in pages.items()}


def test_missing_audio_is_made_and_a_second_run_makes_nothing(pages):
    out, err = make_audio()
    assert "4 made, 0 reused (a file already made, nothing synthesised), 0 failed" in out
    for page in pages.values():
        audio = audio_of(page)
        assert audio.state == AudioState.MADE
        assert codec_of(audio.file.name) == "opus"
        assert audio.duration_seconds > 1
    # Not a terminal: plain progress lines, the last one complete.
    assert "\r" not in err
    assert "4/4 pages, 0 failed" in err.splitlines()[-1]
    assert "of audio made; CPU" in out
    before = made_at(pages)

    out, _err = make_audio("--missing")
    assert "0 made, 0 reused (a file already made, nothing synthesised), 0 failed, " in out
    assert "4 skipped as current." in out
    assert made_at(pages) == before


def test_a_changed_voice_makes_the_audio_missing_again(pages, settings):
    make_audio()
    settings.READALOUD_WORDS_PER_MINUTE = 170
    out, _err = make_audio()
    assert "4 made," in out
    assert "0 skipped as current." in out


def test_a_unit_restricts_to_its_subtree(pages):
    out, _err = make_audio("--unit", "DT")
    assert "2 made," in out
    assert audio_of(pages["district"]).state == AudioState.MADE
    assert audio_of(pages["grassroots"]).state == AudioState.MADE
    assert audio_of(pages["province"]) is None
    assert audio_of(pages["district_2"]) is None


def test_an_unknown_unit_is_refused_by_name(pages):
    with pytest.raises(CommandError, match=r"There is no unit with the code XX-NOPE\."):
        make_audio("--unit", "XX-NOPE")
    assert not PageAudio.objects.exists()


def test_all_remakes_current_audio_and_lost_files(pages):
    make_audio()
    before = made_at(pages)
    lost = audio_of(pages["province"]).file.name
    default_storage.delete(lost)

    out, _err = make_audio("--all")
    assert "4 made, 0 reused (a file already made, nothing synthesised), 0 failed, " in out
    after = made_at(pages)
    assert all(after[key] > before[key] for key in pages)
    assert default_storage.exists(lost)
    assert audio_of(pages["province"]).file.name == lost


def test_all_makes_a_shared_file_once(unit_tree, settings):
    settings.READALOUD_ON_PUBLISH = False
    one = publish_news(unit_tree.province, "Cùng một tin", lead="Giống nhau")
    two = publish_news(unit_tree.district, "Cùng một tin", lead="Giống nhau")
    # --all makes the file again even when it is left from an earlier run.
    out, _err = make_audio("--all")
    assert "1 made, 1 reused" in out
    assert audio_of(one).file.name == audio_of(two).file.name


def test_from_page_skips_lower_ids(pages):
    ids = sorted(page.pk for page in pages.values())
    out, _err = make_audio("--all", "--from-page", str(ids[2]))
    assert "2 made," in out
    made = set(PageAudio.objects.values_list("page_id", flat=True))
    assert made == set(ids[2:])


def test_queue_hands_the_pages_to_the_workers(pages):
    out, _err = make_audio("--queue")
    assert "4 pages queued for the workers, 0 already current." in out
    # The immediate backend of the tests runs each task as it is queued.
    assert {audio_of(page).state for page in pages.values()} == {AudioState.MADE}
    out, _err = make_audio("--queue")
    assert "0 pages queued for the workers, 4 already current." in out


def test_a_failed_page_is_counted_with_its_reason_and_made_by_the_next_run(pages, settings):
    settings.READALOUD_VOICE = "no-such-voice"
    out, _err = make_audio("--unit", "PL")
    page = pages["district_2"]
    assert "0 made, 0 reused (a file already made, nothing synthesised), 1 failed" in out
    assert f"failed: page {page.pk}: espeak-ng has no voice no-such-voice on the server." in out
    assert audio_of(page).state == AudioState.FAILED

    settings.READALOUD_VOICE = "vi"
    out, _err = make_audio("--unit", "PL")
    assert "1 made, 0 reused (a file already made, nothing synthesised), 0 failed" in out
    assert audio_of(page).state == AudioState.MADE


def test_an_interrupted_run_says_how_to_resume(pages, monkeypatch):
    ids = sorted(page.pk for page in pages.values())
    real_make_audio = backfill.make_audio

    def interrupted_at_the_third_page(page_id, **kwargs):
        if page_id == ids[2]:
            raise KeyboardInterrupt
        return real_make_audio(page_id, **kwargs)

    monkeypatch.setattr(backfill, "make_audio", interrupted_at_the_third_page)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"Interrupted\.") as raised, translation.override("en"):
        call_command("make_audio", "--all", "--unit", "TN", stdout=out, stderr=err)
    assert raised.value.returncode == 130
    assert "2 made," in out.getvalue()
    assert (
        f"To go on from there: manage.py make_audio --all --from-page {ids[2]} --unit TN"
        in err.getvalue()
    )
