"""Speech from a script, on the server, with nothing fetched at run time.

The voice is Debian's ``espeak-ng`` (``-v vi``: Vietnamese, northern); each
chunk of the script is spoken into a WAV file from SSML (``-m``, so the pauses
after headings and paragraphs are kept), then ``ffmpeg`` joins the chunks and
encodes them once, as Opus in Ogg at a speech bitrate
(``READALOUD_BITRATE``, 20 kbit/s: about 150 KB a minute). ``ffprobe`` reads
the duration of what was made, and of recordings that editors upload.
"""

import json
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .script import chunks, ssml

#: Characters per espeak-ng run: a long text is made in pieces that play as one file.
CHUNK_CHARS = 3000
# Seconds a single program run may take before the making counts as failed.
RUN_TIMEOUT = 300


class SpeechError(Exception):
    """The audio could not be made; the message is shown to editors."""


@dataclass(frozen=True)
class MadeAudio:
    path: Path
    duration_seconds: float
    bytes: int


def _program(name):
    found = shutil.which(name)
    if found is None:
        raise SpeechError(_("%(program)s is not installed on the server.") % {"program": name})
    return found


@lru_cache(maxsize=8)
def installed_voices(espeak):
    """The names espeak-ng knows its voices by: language, voice name and file."""
    listing = subprocess.run(
        [espeak, "--voices"], capture_output=True, timeout=30, check=False
    ).stdout.decode(errors="replace")
    names = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            names.update((columns[1], columns[3], columns[4]))
    return frozenset(names)


def check_voice(espeak, voice):
    """espeak-ng silently speaks in its default voice when asked for one it
    lacks (English, for Vietnamese text): refuse instead."""
    if voice.split("+", 1)[0] not in installed_voices(espeak):
        raise SpeechError(_("espeak-ng has no voice %(voice)s on the server.") % {"voice": voice})


def _run(command, *, stdin=None):
    try:
        result = subprocess.run(
            command, input=stdin, capture_output=True, timeout=RUN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SpeechError(
            _("%(program)s took longer than %(seconds)s seconds.")
            % {"program": Path(command[0]).name, "seconds": RUN_TIMEOUT}
        ) from error
    if result.returncode < 0:
        raise SpeechError(
            _("%(program)s stopped with signal %(signal)s.")
            % {"program": Path(command[0]).name, "signal": -result.returncode}
        )
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise SpeechError(
            _("%(program)s failed: %(detail)s")
            % {"program": Path(command[0]).name, "detail": detail[0][:300]}
        )
    return result.stdout


def probe(path):
    """``(duration in seconds, has an audio stream)`` of a sound file; a file
    ffprobe cannot read raises ``SpeechError``."""
    output = _run(
        [
            _program("ffprobe"),
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_type",
            "-of",
            "json",
            str(path),
        ]
    )
    info = json.loads(output or b"{}")
    kinds = {stream.get("codec_type") for stream in info.get("streams", [])}
    try:
        duration = float(info.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        duration = 0.0
    return duration, "audio" in kinds


def synthesise(segments, folder):
    """Speak ``segments`` into ``folder/speech.ogg``; returns ``MadeAudio``."""
    espeak, ffmpeg = _program("espeak-ng"), _program("ffmpeg")
    check_voice(espeak, settings.READALOUD_VOICE)
    folder = Path(folder)
    pieces = []
    for number, run in enumerate(chunks(segments, CHUNK_CHARS)):
        wav = folder / f"chunk-{number:04d}.wav"
        _run(
            [
                espeak,
                "-m",
                "-v",
                settings.READALOUD_VOICE,
                "-s",
                str(settings.READALOUD_WORDS_PER_MINUTE),
                "-w",
                str(wav),
            ],
            stdin=ssml(run).encode(),
        )
        pieces.append(wav)
    if not pieces:
        raise SpeechError(_("There is nothing to read aloud."))
    listing = folder / "chunks.txt"
    listing.write_text("".join(f"file '{piece.name}'\n" for piece in pieces))
    output = folder / "speech.ogg"
    _run(
        [
            ffmpeg,
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-ac",
            "1",
            "-c:a",
            "libopus",
            "-b:a",
            settings.READALOUD_BITRATE,
            "-application",
            "voip",
            "-y",
            str(output),
        ]
    )
    duration, _audio = probe(output)
    return MadeAudio(output, duration, output.stat().st_size)


@contextmanager
def speak_to_file(segments):
    """``synthesise`` in a throwaway folder: yields ``MadeAudio`` while the file exists."""
    with tempfile.TemporaryDirectory(prefix="readaloud-") as folder:
        yield synthesise(segments, folder)
