"""``{% read_aloud page %}``: the player of a page's audio, and its state for editors.

Readers get a player once the audio is made, and nothing before: a lesson
with a recording plays the recording (a person's voice wins, as in
``making.recording_of``). In a preview (``request.is_preview``) the editor
also sees the state of the published audio (queued, made and how long,
failed and why), and whether the draft says something else, so that the
audio will be made again on publish. One query per render: the page's
``PageAudio`` row, with its recording.
"""

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

from content_types.models import StudyLesson

from ..making import spoken_hash
from ..models import AudioSource, AudioState, PageAudio

register = template.Library()


def format_duration(seconds):
    """``m:ss`` (``h:mm:ss`` from an hour) of a duration in seconds; "" for none."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


register.filter("duration", format_duration)


@dataclass(frozen=True)
class AudioView:
    """What the template shows: the address to play, and the editor's notes."""

    url: str = ""
    state: str = ""
    will_change: bool = False


def audio_row(page):
    if not page.pk:
        return None
    return PageAudio.objects.filter(page_id=page.pk).select_related("recording").first()


def _recording_url(page, row):
    """The lesson's own recording (from the row when it is the same document,
    saving a query), or "" for other pages and lessons without one."""
    if not isinstance(page, StudyLesson) or not page.audio_id:
        return ""
    if row is not None and row.recording_id == page.audio_id:
        return row.recording.url
    return page.audio.url


def _made_url(row):
    if row is None or not row.playable:
        return ""
    if row.source == AudioSource.RECORDED:
        return row.recording.url if row.recording_id else ""
    return row.file.url


def state_text(row):
    """The state of the published audio, for the editor."""
    if row is None:
        return _("No audio yet: it is made when the page is published.")
    if row.state == AudioState.MADE:
        return _("Audio made (%(duration)s)") % {"duration": format_duration(row.duration_seconds)}
    if row.state == AudioState.FAILED:
        return _("Audio failed: %(reason)s") % {"reason": row.problem}
    return _("Audio queued")


def audio_view(page, preview=False):
    row = audio_row(page)
    if row is not None and row.state == AudioState.FAILED:
        url = ""  # nothing that plays; the editor sees why in the preview
    else:
        url = _recording_url(page, row) or _made_url(row)
    if not preview:
        return AudioView(url=url)
    # The row says what the published page says; the draft shown may differ.
    made = row is not None and row.state == AudioState.MADE
    will_change = made and row.spoken_hash != spoken_hash(page)
    return AudioView(url=url, state=state_text(row), will_change=will_change)


@register.inclusion_tag("readaloud/read_aloud.html", takes_context=True)
def read_aloud(context, page):
    request = context.get("request")
    preview = bool(getattr(request, "is_preview", False))
    return {"audio": audio_view(page, preview=preview), "preview": preview}
