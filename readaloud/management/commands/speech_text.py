"""``manage.py speech_text TEXT``: what the read-aloud voice would say."""

import sys

from django.core.management.base import BaseCommand

from readaloud.normaliser import normalise


def _read_all(stream):
    """All of ``stream``, decoded as UTF-8 when it is a byte stream underneath
    (a pipe from a shell whose locale is not UTF-8)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer.read().decode("utf-8", errors="replace")
    return stream.read()


class Command(BaseCommand):
    help = (
        "Print TEXT the way the read-aloud voice will say it: numbers, dates, times, "
        "document symbols and abbreviations written out in Vietnamese words. "
        "Give - as TEXT to read the text from standard input."
    )
    requires_system_checks = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("text", help="the text to normalise, or - to read it from stdin")

    def handle(self, text, **options):
        if text == "-":
            text = _read_all(options.get("stdin") or sys.stdin)
        encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
        if not options.get("stdout") and encoding != "utf8" and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # a C or ASCII locale
        self.stdout.write(normalise(text))
