"""``make run``'s demo: every published article, lesson and document has audio."""

from django.core.management import call_command

from readaloud.making import spoken_pages
from readaloud.models import AudioState, PageAudio


def test_every_spoken_page_of_the_demo_has_audio_after_the_worker_runs(unit_tree):
    call_command("seed_demo_content", stdout=None)
    pages = set(spoken_pages().values_list("pk", flat=True))
    assert len(pages) > 10
    made = set(PageAudio.objects.filter(state=AudioState.MADE).values_list("page_id", flat=True))
    assert made == pages
    # English mirrors say the Vietnamese words: they share the original's file.
    files = PageAudio.objects.values_list("file", flat=True)
    assert len(set(files)) < len(pages)
