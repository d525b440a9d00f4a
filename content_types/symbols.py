"""Document numbers and symbols (số/ký hiệu), such as ``619-BC/ĐUK``.

This module owns the document type abbreviations and the rules for reading a
symbol typed by an editor: ``<number>-<TYPE>/<ISSUER>``. It is pure logic, with
no models and no database, so that model ``clean()`` methods, import commands
and the API can share one parser.

Input is read tolerantly, because editors paste symbols from Word documents
and type them on phones: Unicode is composed (NFC) first, surrounding spaces
and spaces around ``-`` and ``/`` are dropped, typographic dashes count as
``-``, and letters are upper-cased (``"đuk".upper() == "ĐUK"``), except that a
type abbreviation takes its canonical spelling (``qđi`` becomes ``QĐi``). The
number keeps its leading zeros as written (``05``) but compares as a number.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The model field that holds the symbol text; validation errors are keyed by it.
SYMBOL_FIELD = "number"


class DocumentType(models.TextChoices):
    """Party document types and their abbreviations in a symbol.

    Party usage distinguishes ``QĐ`` (Quyết định, a decision) from ``QĐi``
    (Quy định, a regulation); ``TTr``, ``CTr`` and ``QĐi`` keep their lower-case
    letters. Only abbreviations in settled use are listed.
    """

    RESOLUTION = "NQ", _("Resolution")  # Nghị quyết
    DECISION = "QĐ", _("Decision")  # Quyết định
    DIRECTIVE = "CT", _("Directive")  # Chỉ thị
    CONCLUSION = "KL", _("Conclusion")  # Kết luận
    RULES = "QC", _("Rules")  # Quy chế
    REGULATION = "QĐi", _("Regulation")  # Quy định
    ANNOUNCEMENT = "TT", _("Announcement")  # Thông tri
    INSTRUCTION = "HD", _("Instruction")  # Hướng dẫn
    REPORT = "BC", _("Report")  # Báo cáo
    PLAN = "KH", _("Plan")  # Kế hoạch
    PROGRAMME = "CTr", _("Programme")  # Chương trình
    NOTICE = "TB", _("Notice")  # Thông báo
    PROPOSAL = "TTr", _("Proposal")  # Tờ trình
    PROJECT = "ĐA", _("Project")  # Đề án
    MINUTES = "BB", _("Minutes")  # Biên bản
    OFFICIAL_LETTER = "CV", _("Official letter")  # Công văn
    INVITATION = "GM", _("Invitation")  # Giấy mời


# Abbreviations are matched ignoring case; no two differ by case alone.
_TYPE_BY_UPPER = {code.upper(): code for code in DocumentType.values}

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign: what
# word processors and phone keyboards put where "-" was meant.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_NUMBER = re.compile(r"[0-9]+")
# One or more runs of letters or digits joined by hyphens, as in joint issuers.
_ISSUER = re.compile(r"[^\W_]+(?:\s*-\s*[^\W_]+)*")
_SPACED_HYPHEN = re.compile(r"\s*-\s*")

MESSAGES = {
    "invalid_form": _(
        "The number and symbol must be written as number-TYPE/ISSUER, for example 619-BC/ĐUK."
    ),
    "missing_number": _(
        "The document number is missing: write it before the dash, as 619 in 619-BC/ĐUK."
    ),
    "invalid_number": _(
        "The document number must be a whole number from 1 up, written in digits, "
        "not “%(number)s”."
    ),
    "missing_type": _(
        "The document type abbreviation is missing: write it between the dash and the "
        "slash, as BC in 619-BC/ĐUK."
    ),
    "unknown_type": _(
        "“%(abbreviation)s” is not a known document type abbreviation. Use one of: %(valid)s."
    ),
    "missing_issuer": _(
        "The issuing body is missing: write its abbreviation after the slash, "
        "as ĐUK in 619-BC/ĐUK."
    ),
    "type_mismatch": _(
        "The symbol says %(given)s (%(given_name)s), but the document type is "
        "%(expected_name)s (%(expected)s)."
    ),
    "issuer_mismatch": _(
        "The symbol names the issuing body %(issuer)s, but this unit's abbreviation is "
        "%(expected)s. If another body issued the document, mark it as issued elsewhere."
    ),
}


class SymbolError(ValueError):
    """A symbol that cannot be read. ``code`` names the problem (a key of
    ``MESSAGES``); the message renders in the language active when it is shown."""

    def __init__(self, code, **params):
        self.code = code
        self.message = MESSAGES[code]
        self.params = params
        super().__init__(code, params)

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)

    def as_validation_error(self, field=SYMBOL_FIELD):
        return ValidationError({field: _validation_error(self.code, **self.params)})


@dataclass(frozen=True, slots=True)
class DocumentSymbol:
    """A parsed symbol. ``issuer`` is upper case and NFC; ``type_code`` is a
    ``DocumentType`` value; ``number_text`` is the number as written."""

    number: int
    number_text: str
    type_code: str
    issuer: str

    @property
    def canonical(self):
        return f"{self.number_text}-{self.type_code}/{self.issuer}"

    @property
    def document_type(self):
        return DocumentType(self.type_code)

    def __str__(self):
        return self.canonical


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def parse_symbol(text):
    """Read ``text`` as ``<number>-<TYPE>/<ISSUER>``; raise ``SymbolError`` if it
    cannot be read. The number is everything before the first dash and the type
    everything between it and the first slash; the issuer may itself contain
    hyphens (joint issuers such as ``BTCTU-BTGTU``)."""
    value = _nfc(text or "").translate(_DASHES).strip()
    number_text, dash, rest = value.partition("-")
    type_text, slash, issuer_text = rest.partition("/")
    if not (dash and slash):
        raise SymbolError("invalid_form")
    number_text, type_text, issuer_text = (
        part.strip() for part in (number_text, type_text, issuer_text)
    )

    if not number_text:
        raise SymbolError("missing_number")
    if not _NUMBER.fullmatch(number_text) or int(number_text) == 0:
        raise SymbolError("invalid_number", number=number_text)

    if not type_text:
        raise SymbolError("missing_type")
    type_code = _TYPE_BY_UPPER.get(type_text.upper())
    if type_code is None:
        raise SymbolError(
            "unknown_type", abbreviation=type_text, valid=", ".join(DocumentType.values)
        )

    if not issuer_text:
        raise SymbolError("missing_issuer")
    if not _ISSUER.fullmatch(issuer_text):
        raise SymbolError("invalid_form")
    issuer = _SPACED_HYPHEN.sub("-", issuer_text).upper()

    return DocumentSymbol(
        number=int(number_text), number_text=number_text, type_code=type_code, issuer=issuer
    )


def same_issuer(a, b):
    """Issuer abbreviations compare case-insensitively, after NFC."""
    return _nfc(a.strip()).casefold() == _nfc(b.strip()).casefold()


def validate_symbol(
    text, *, document_type, issuer_short_name, external_issuer=False, field=SYMBOL_FIELD
):
    """Parse ``text`` and check it against the document it is entered on.

    The type abbreviation must be ``document_type``; unless ``external_issuer``
    (the document was issued by a body outside the platform), the issuer must
    be the owning unit's ``issuer_short_name``. Every problem is raised as one
    ``ValidationError`` keyed by ``field``, which a model's ``clean()`` can
    re-raise as it is. Returns the parsed symbol.
    """
    document_type = DocumentType(document_type)
    if not external_issuer and not (issuer_short_name or "").strip():
        # Unit.short_name is required; a blank one here is a caller's mistake.
        raise ValueError("issuer_short_name is required unless external_issuer is set")
    try:
        symbol = parse_symbol(text)
    except SymbolError as error:
        raise error.as_validation_error(field) from error

    errors = []
    if symbol.type_code != document_type:
        errors.append(
            _validation_error(
                "type_mismatch",
                given=symbol.type_code,
                given_name=symbol.document_type.label,
                expected=document_type.value,
                expected_name=document_type.label,
            )
        )
    if not external_issuer and not same_issuer(symbol.issuer, issuer_short_name):
        errors.append(
            _validation_error(
                "issuer_mismatch",
                issuer=symbol.issuer,
                expected=_nfc(issuer_short_name.strip()).upper(),
            )
        )
    if errors:
        raise ValidationError({field: errors})
    return symbol


def symbol_key(symbol, year):
    """What must not repeat: the same number, type and issuer in one ``year``.

    The number compares as a number (``05`` and ``5`` are the same document)
    and the issuer in its canonical upper case, so the key can back both a
    unique constraint on stored columns and a lookup before saving. Party
    numbering formally restarts with each committee term rather than each
    year, so in a congress year a new term's ``01`` can meet an old ``01``.
    """
    return (year, symbol.number, symbol.type_code, _nfc(symbol.issuer).upper())


def _validation_error(code, **params):
    # Lazy message plus params: Django renders it in the language of the response.
    return ValidationError(MESSAGES[code], code=code, params=params or None)
