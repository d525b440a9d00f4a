"""Vietnamese text for search: diacritic folding and reading a member's query.

Folding maps each character to one character (``Nghị`` -> ``nghi``, ``Đ`` ->
``d``), so a position in folded text is the same position in the original:
the database fallback finds a match in folded text and cuts the snippet from
the original. The engine does the same with OpenSearch's ``asciifolding``.
"""

import re
import unicodedata
from dataclasses import dataclass, field

_SPECIAL = {"đ": "d", "Đ": "d"}
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


def _fold_char(char):
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base[0] if base else char


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character: a
    rebuild folds a hundred million characters, one Python call each was the
    slowest part of it."""

    def __missing__(self, code):
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text):
    """Lower case without diacritics, one character per character of ``text`` (NFC)."""
    return nfc(text).translate(_FOLD_TABLE)


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def words(text):
    """The words of ``text`` in order, as typed (NFC)."""
    return _WORD.findall(nfc(text))


def folded_words(text):
    """`` w1 w2 `` : folded words between single spaces, so that `` w `` finds a
    whole word and `` w1 w2 `` a phrase with a plain substring test."""
    return " " + " ".join(_WORD.findall(fold(text))) + " "


@dataclass
class ParsedQuery:
    """A member's query: free words and "phrases in quotes"."""

    text: str
    terms: list = field(default_factory=list)
    phrases: list = field(default_factory=list)

    @property
    def numbers(self):
        return [int(term) for term in self.terms if term.isdigit() and len(term) <= 9]

    @property
    def is_empty(self):
        return not (self.terms or self.phrases)

    @property
    def free_text(self):
        return " ".join(self.terms)


def parse_query(text):
    text = nfc(text).strip()
    phrases = [" ".join(words(p)) for p in _PHRASE.findall(text)]
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    return ParsedQuery(text=text, terms=words(rest), phrases=[p for p in phrases if p])
