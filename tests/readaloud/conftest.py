"""Read-aloud tests make real audio: espeak-ng and ffmpeg run, on publish."""

import json
import subprocess

import pytest
from django.core.files.storage import default_storage


@pytest.fixture(autouse=True)
def _audio_on_publish(settings):
    settings.READALOUD_ON_PUBLISH = True


DECODE_TO_PCM = ["-f", "s16le", "-ac", "1", "-ar", "16000", "-"]


def decoded_seconds(name):
    """Seconds of sound in stored file ``name``, counted by decoding every
    sample with ffmpeg (not read from the container's header)."""
    source = default_storage.path(name)
    pcm = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", source, *DECODE_TO_PCM],
        capture_output=True,
        check=True,
    ).stdout
    return len(pcm) / 2 / 16000


def codec_of(name):
    info = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", default_storage.path(name)],
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(info)["streams"][0]["codec_name"]


def body(*paragraphs, heading=None):
    blocks = [{"type": "heading", "value": heading}] if heading else []
    blocks += [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    return json.dumps(blocks)
