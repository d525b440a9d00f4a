"""Vietnamese text for search: diacritic folding and reading a member's query.

Folding maps each character to one character (``Nghị`` -> ``nghi``, ``Đ`` ->
``d``), so a position in folded text is the same position in the original:
the database fallback finds a match in folded text and cuts the snippet from
the original. The engine does the same with OpenSearch's ``asciifolding``.

Numbers are folded too, without their leading zeros (``fold_numbers``), on
the records and on the query alike, so that "5/NQ-TU" finds "05-NQ/TU".
"""

import re
import unicodedata
from dataclasses import dataclass, field

_SPECIAL = {"đ": "d", "Đ": "d"}
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


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


def fold_numbers(text):
    """Every run of digits without its leading zeros (``05`` -> ``5``, ``0``
    stays): "5" then finds "05-NQ/TU", and never "15" or "50". The one rule
    for both sides, what is stored for search and what a member types."""
    return _LEADING_ZEROS.sub("", text)


def search_words(text):
    """``folded_words`` with numbers folded: what the database records hold,
    and what a query is compared with, on both back ends."""
    return fold_numbers(folded_words(text))


def number_words(number):
    """A document number's words for search: its parts (``05-NQ/TU`` ->
    ``5 nq tu``) and, for a number typed without separators (``05nqtu``),
    the parts run together (``5nqtu``)."""
    parts = search_words(number).split()
    if len(parts) > 1:
        parts.append("".join(parts))
    return " " + " ".join(parts) + " "


def folded_columns(title, number, text, attachment_text):
    """A search record's folded columns (``SearchRecord.folded``,
    ``folded_title``, ``folded_number``) from its title, number and texts."""
    number_folded = number_words(number)
    return {
        "folded": search_words("\n".join([title, number_folded, text, attachment_text])),
        "folded_title": search_words(title)[:500],
        "folded_number": number_folded[:64],
    }


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
