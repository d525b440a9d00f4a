"""Vietnamese text made speakable: what the read-aloud voice is given to say.

``normalise(text)`` takes plain Vietnamese text (a title, a lead, a
paragraph; HTML already stripped; it may hold line breaks) and returns it as
a Vietnamese reader would say it aloud: numbers, dates, times, document
symbols, Roman numerals, units and abbreviations written out in words, with
the sentence punctuation (. , ; : ? ! and "...") kept, because espeak-ng
pauses on it, and everything that is not said (URLs, e-mail addresses,
quotes, bullets, emoji, symbols) taken out.

Why: espeak-ng's ``vi`` voice reads what it is given literally. It gets
plain small numbers right, but not what surrounds them: "1.250.000" ends in
"nghìn không trăm", a phone number is read as an amount, "thứ 4" and
"tháng 4" say "bốn" where a reader says "tư", "14h30" says "hát", a date
("31/12/2020") is a list of numbers and a symbol ("619-BC/ĐUK") a jumble;
it reads "ĐUK" as the English word "duck", "UBND" as one syllable and "XIII"
as the English "Roman thirteen". So the text is rewritten first.

Each line is read on its own, by these passes in this order (each pass sees
what the ones before it left, so the more specific readings come first):

1. URLs and e-mail addresses out;
2. document symbols (``619-BC/ĐUK``, ``01/NQ-TU``), before anything reads
   their digits or their "TT";
3. dates (``31/12/2020``, ``ngày 02/9``, ``9/2024``, ``tháng 4``);
4. times (``14h30``, ``7h``, ``14:30``);
5. Roman numerals after the words that take them ("khóa XIII"), turned into
   digits for the passes below;
6. units, percentages and currencies after a number (``72,87%``, ``5 km``,
   ``50.000đ``);
7. ordinals after "thứ" ("thứ 4" is "thứ tư");
8. arithmetic, ranges and slashes between numbers ("5-7" is "năm đến bảy"),
   then every remaining number: thousands with "." (or a space), decimals
   with ",", long digit strings digit by digit;
9. abbreviations (``abbreviations.ABBREVIATIONS``), then other capitals
   spelled letter by letter;
10. punctuation: quotes, brackets and symbols out, pauses tidied.

Then a line that does not end a sentence gets a full stop, so a heading-like
line is followed by a pause, and the lines are joined with single spaces.

The readings chosen where Vietnamese usage varies, each one tested:
24 is "hai mươi tư" (years too); month 1 is "tháng một", month 4 "tháng tư";
"ngày 1-5" is a date ("ngày một tháng năm"); a slash between numbers that
is not a date ("32/13/2020", "2/3") is "trên"; "số" before a symbol is said
once, but a type word before it ("Báo cáo số 619-BC/ĐUK") is said again in
the symbol's reading ("..., báo cáo của Đảng ủy Khối").
"""

import re
import unicodedata
from datetime import date

from .abbreviations import (
    ABBREVIATIONS,
    DOCUMENT_TYPES,
    DOTTED,
    is_vietnamese_syllable,
    read_document_type,
    read_issuer,
    read_organisation,
    spell,
)
from .numbers import (
    read_decimal,
    read_digit_string,
    read_fraction,
    read_grouped,
    read_integer,
    read_month,
    read_ordinal,
)

_LETTER = r"[^\W\d_]"

# Python's re finds a match fast only when a pattern starts with a character
# (or a set of them), so the patterns below start with one and check what
# comes before it just after it: "[0-9](?<![\w/].)" is a digit that does not
# follow a letter, a digit or a slash. Words that may come before a match
# ("ngày", "số") are looked at by the reading function.

# Line set-up: control characters become spaces, invisible ones go.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_OTHER_DIGIT = re.compile(r"\d(?<![0-9])")
_BULLET = re.compile(r"^(?:[•●○◦▪■□‣⁃∙·►▶✓✔❖➢➤]|[-–—*+](?= ))\s*")

# 1. URLs and e-mail addresses, without the punctuation that ends them.
_URL_END = r"""(?:\S*[^\s.,;:!?)\]}'"»”’])?"""
_URLS = (
    re.compile(rf"[hHfFwW](?<!\w.)(?i:ttps?://|tp://|ww\.){_URL_END}"),
    re.compile(r"[\w.+-](?<![\w.+-].)[\w.+-]*@[\w-]+(?:\.[\w-]+)+"),
    re.compile(
        r"[a-z0-9](?<![\w.@/-].)[a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info|io)"
        rf"(?:/{_URL_END})?(?![\w-]|\.\w)"
    ),
)

# 2. Document symbols: 619-BC/ĐUK, 01/NQ-TU, 15/2020/NĐ-CP, 26/2018/QH14,
# QĐ-UBND.
_TYPE = r"[A-ZĐ][A-Za-zĐđ]{0,4}"
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*"
_SYMBOL = re.compile(
    r"(?P<number>[0-9](?<![\w/.,-].)[0-9]{0,5})(?:/(?P<year>[0-9]{4}))?"
    rf"(?:-(?P<type_a>{_TYPE})/(?P<issuer_a>{_ISSUER})"
    rf"|/(?P<type_b>{_TYPE})(?:-(?P<issuer_b>{_ISSUER}))?"
    r"|/(?P<issuer_c>[A-ZĐ]+[0-9]+))(?![\w/-])"
)
_UNNUMBERED_SYMBOL = re.compile(
    rf"(?P<type>[A-ZĐ](?<![\w/-].)[A-Za-zĐđ]{{0,4}})[/-](?P<issuer>{_ISSUER})(?![\w/-])"
)
_SO_BEFORE = re.compile(r"(?<!\w)(?:[Ss]ố|SỐ) ?:? ?$")

# 3. Dates. The lookarounds keep them from starting or ending inside a number.
_STARTS = r"[0-9](?<![\w/.,-].)"
_ENDS = r"(?![\w/-]|[.,][0-9])"
_DATE = re.compile(
    rf"(?P<day>{_STARTS}[0-9]?)(?P<sep>[/.-])(?P<month>[0-9]{{1,2}})(?P=sep)"
    rf"(?P<year>[0-9]{{4}}){_ENDS}"
)
_ISO_DATE = re.compile(
    rf"(?P<year>{_STARTS}[0-9]{{3}})-(?P<month>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}}){_ENDS}"
)
_DAY_MONTH = re.compile(
    rf"(?P<day>[0-9](?<=(?<!\w)(?i:ngày) [0-9])[0-9]?)[/-](?P<month>[0-9]{{1,2}}){_ENDS}"
)
_MONTH_YEAR = re.compile(rf"(?P<month>{_STARTS}[0-9]?)[/-](?P<year>[0-9]{{4}}){_ENDS}")
_MONTH = re.compile(rf"(?P<month>[0-9](?<=(?<!\w)(?i:tháng) [0-9])[0-9]?){_ENDS}")
_DAY_BEFORE = re.compile(r"(?<!\w)(?i:ngày) $")
_MONTH_BEFORE = re.compile(r"(?<!\w)(?i:tháng) $")

# 4. Times.
_TIME = re.compile(
    r"(?P<hour>[0-9](?<![\w/.,:-].)[0-9]?)(?:h(?P<minute>[0-9]{2})?|:(?P<clock_minute>[0-9]{2}))"
    r"(?![\w:]|[.,][0-9])"
)

# 5. Roman numerals, only after the words that take them (up to 89).
_ROMAN = re.compile(r"[IVXL](?<!\w.)[IVXL]*(?!\w)")
_ROMAN_BEFORE = re.compile(
    r"(?<!\w)(?i:khóa|khoá|đại hội|hội nghị|lần|thế kỷ|thế kỉ|chương|phần|mục|phụ lục|quý|thứ) $"
)
_VALID_ROMAN = re.compile(r"(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}

# 6. Units, percentages and currencies after a number.
UNITS = {
    "%": "phần trăm",
    "°C": "độ xê",
    "°": "độ",
    "km²": "ki-lô-mét vuông",
    "km2": "ki-lô-mét vuông",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "km": "ki-lô-mét",
    "cm": "xăng-ti-mét",
    "mm": "mi-li-mét",
    "m": "mét",
    "kg": "ki-lô-gam",
    "ha": "héc-ta",
    "VNĐ": "đồng",
    "VND": "đồng",
    "đ": "đồng",
    "USD": "đô la Mỹ",
}
_UNIT_NAMES = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_UNIT = re.compile(rf"(?P<before>[0-9]|tỷ|triệu|nghìn|ngàn) ?(?P<unit>{_UNIT_NAMES})(?!\w)")
_DOLLARS = re.compile(r"\$ ?(?P<amount>[0-9](?:[0-9.,]*[0-9])?)")

# 7. Ordinals.
_ORDINAL = re.compile(rf"[0-9](?<=(?<!\w)(?i:thứ) [0-9])[0-9]{{0,2}}{_ENDS}")

# 8. Signs between numbers, then the numbers.
_BETWEEN_NUMBERS = (
    (re.compile(r"(?P<digit>[0-9]) ?\+ ?(?=[0-9])"), r"\g<digit> cộng "),
    (re.compile(r"(?P<digit>[0-9]) ?= ?(?=[0-9])"), r"\g<digit> bằng "),
    (re.compile(r"(?P<digit>[0-9]) ?[-–—] ?(?=[0-9])"), r"\g<digit> đến "),
    (re.compile(r"(?P<digit>[0-9]) ?[/:] ?(?=[0-9])"), r"\g<digit> trên "),
    (re.compile(r"-(?<![\w.,]-)(?=[0-9])"), "âm "),
    (re.compile(rf"-(?:(?<={_LETTER}-)(?=[0-9])|(?<=[0-9]-)(?={_LETTER}))"), " "),
)
_NUMBER = re.compile(
    r"[0-9](?<![0-9].)(?:"
    r"[0-9]{0,2}(?P<grouped>(?:\.[0-9]{3})+(?![0-9])|(?: [0-9]{3})+(?![0-9])"
    r"|(?:,[0-9]{3}){2,}(?![0-9]))(?:,(?P<grouped_fraction>[0-9]+))?"
    r"|[0-9]*(?P<dotted>(?:\.[0-9]+)+)"
    r"|[0-9]*(?:,(?P<fraction>[0-9]+))?)"
)

# 9. Abbreviations.
_NO = re.compile(r"No(?<!\wNo)\. ?(?=[0-9])")
_ETC = re.compile(r"v(?<!\wv)\.v(?!\w)")
_DOTTED = re.compile(rf"(?P<abbreviation>{'|'.join(DOTTED)})\. ?(?={_LETTER})")
_ABBREVIATION = re.compile(
    "(?:"
    + "|".join(re.escape(key) for key in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?!\w)"
)
_CAPITALS = re.compile(r"[A-ZĐÀ-ÝĂĨŨƠƯẠ-Ỹ](?<!\w.)[^\W\d_]{1,7}(?!\w)")

# 10. Punctuation.
_BRACKET = re.compile(r"[()\[\]{}]")
_DASH = re.compile(r"[–—―‒]| - ")
_AND_OR = re.compile(r"(và|hoặc)/(và|hoặc)(?!\w)")
_WORD_SLASH = re.compile(rf"/(?<={_LETTER}/)(?={_LETTER})")
_STRAY_HYPHEN = re.compile(rf"-(?:(?<!{_LETTER}-)|(?!{_LETTER}))")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[.,;:?!])")
_PUNCTUATION_RUN = re.compile(r"[.,;:?!](?: ?[.,;:?!])*")
_SPACES = re.compile(r" {2,}")
_KEPT_PUNCTUATION = ".,;:?!-"
_SENTENCE_END = (".", "?", "!")


class _UnspokenCharacters(dict):
    """A ``str.translate`` table that turns every character that is not said
    (not a letter, a combining mark, a space or kept punctuation) into a space;
    it learns each character the first time it is seen."""

    def __missing__(self, code):
        char = chr(code)
        spoken = char in _KEPT_PUNCTUATION or unicodedata.category(char)[0] in "LM"
        self[code] = code if spoken else " "
        return self[code]


_UNSPOKEN = _UnspokenCharacters({ord(" "): ord(" ")})


def _after(pattern, match):
    """Whether the text just before ``match`` ends as ``pattern`` says."""
    start = match.start()
    return pattern.search(match.string, max(0, start - 12), start) is not None


def _starts_word(match):
    start = match.start()
    return start == 0 or not (match.string[start - 1].isalnum() or match.string[start - 1] == "_")


def _say_symbol(match):
    type_code = match["type_a"] or match["type_b"]
    issuer = match["issuer_a"] or match["issuer_b"] or match["issuer_c"]
    if (type_code and not issuer and type_code not in DOCUMENT_TYPES) or (
        match["issuer_c"] and not match["year"]
    ):
        return match[0]
    words = [] if _after(_SO_BEFORE, match) else ["số"]
    words.append(read_digit_string(match["number"]))
    if match["year"]:
        words += ["năm", read_integer(int(match["year"]))]
    if type_code:
        words[-1] += f", {read_document_type(type_code)}"
    if issuer:
        words += ["của", read_issuer(issuer)]
    return f" {' '.join(words)} "


def _say_unnumbered_symbol(match):
    if match["type"] not in DOCUMENT_TYPES:
        return match[0]
    return f"{DOCUMENT_TYPES[match['type']]} của {read_issuer(match['issuer'])}"


def _is_date(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _say_date(match):
    day, month, year = int(match["day"]), int(match["month"]), int(match["year"])
    if not _is_date(year, month, day):
        return match[0]
    words = f"{read_integer(day)} tháng {read_month(month)} năm {read_integer(year)}"
    return words if _after(_DAY_BEFORE, match) else f"ngày {words}"


def _say_day_month(match):
    day, month = int(match["day"]), int(match["month"])
    if not _is_date(2000, month, day):  # a leap year: 29/2 is a date
        return match[0]
    return f"{read_integer(day)} tháng {read_month(month)}"


def _say_month_year(match):
    month = int(match["month"])
    if not 1 <= month <= 12:
        return match[0]
    words = f"{read_month(month)} năm {read_integer(int(match['year']))}"
    return words if _after(_MONTH_BEFORE, match) else f"tháng {words}"


def _say_month(match):
    month = int(match["month"])
    return read_month(month) if 1 <= month <= 12 else match[0]


def _say_time(match):
    hour = int(match["hour"])
    minute = match["minute"] or match["clock_minute"]
    if hour > 24 or (minute and int(minute) > 59):
        return match[0]
    words = f"{read_integer(hour)} giờ"
    return f"{words} {read_integer(int(minute))}" if minute and int(minute) else words


def _roman_value(numeral):
    values = [_ROMAN_VALUES[letter] for letter in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _say_roman(match):
    numeral = match[0]
    if numeral == "L" or not _VALID_ROMAN.fullmatch(numeral) or not _after(_ROMAN_BEFORE, match):
        return numeral
    return str(_roman_value(numeral))


def _say_unit(match):
    return f"{match['before']} {UNITS[match['unit']]}"


def _say_ordinal(match):
    return read_ordinal(int(match[0]))


def _say_number(match):
    number = match[0]
    if match["grouped"]:
        whole = number[: match.end("grouped") - match.start()]
        words = read_grouped(re.sub(r"[^0-9]", "", whole))
        if match["grouped_fraction"]:
            words += f" phẩy {read_fraction(match['grouped_fraction'])}"
    elif match["dotted"]:
        words = " chấm ".join(read_digit_string(part) for part in number.split("."))
    elif match["fraction"]:
        words = read_decimal(number.partition(",")[0], match["fraction"])
    else:
        words = read_digit_string(number)
    return f" {words} "


def _say_dotted(match):
    following = match.string[match.end()]
    if not following.isupper() or not _starts_word(match):
        return match[0]
    return f"{ABBREVIATIONS[match['abbreviation']]} "


def _say_abbreviation(match):
    return ABBREVIATIONS[match[0]] if _starts_word(match) else match[0]


def _say_capitals(match):
    word = match[0]
    if not word.isupper():
        return word
    organisation = read_organisation(word)  # "BTGTU"
    if organisation:
        return organisation
    return spell(word) if len(word) <= 5 and not is_vietnamese_syllable(word) else word


def _strongest(run):
    """The one pause a run of punctuation marks stands for (", ." is ".")."""
    marks = run.replace(" ", "")
    for mark in ("?", "!"):
        if mark in marks:
            return mark
    if "..." in marks:
        return "..."
    for mark in (".", ";", ":"):
        if mark in marks:
            return mark
    return ","


def _tidy(line):
    line = line.replace("…", "...")
    line = _BRACKET.sub(" , ", line)
    line = _DASH.sub(" , ", line)
    line = _AND_OR.sub(r"\1 \2", line)
    line = _WORD_SLASH.sub(" trên ", line)
    line = line.translate(_UNSPOKEN)
    line = _STRAY_HYPHEN.sub(" ", line)
    line = _SPACES.sub(" ", line)
    line = _SPACE_BEFORE_PUNCTUATION.sub("", line)
    line = _PUNCTUATION_RUN.sub(lambda match: f"{_strongest(match[0])} ", line)
    line = _SPACES.sub(" ", line)
    return line.strip().lstrip(".,;:?!").strip()


_DIGIT = re.compile(r"[0-9]")

#: Pass 2: document symbols.
_SYMBOL_READINGS = ((_SYMBOL, _say_symbol), (_UNNUMBERED_SYMBOL, _say_unnumbered_symbol))

#: Passes 3-4: dates and times, for a line with digits.
_DATE_READINGS = (
    (_DATE, _say_date),
    (_ISO_DATE, _say_date),
    (_DAY_MONTH, _say_day_month),
    (_MONTH_YEAR, _say_month_year),
    (_MONTH, _say_month),
    (_TIME, _say_time),
)

#: Passes 6-8: units, ordinals and numbers, for a line with digits.
_NUMBER_READINGS = (
    (_DOLLARS, r"\g<amount> đô la"),
    (_UNIT, _say_unit),
    (_ORDINAL, _say_ordinal),
    (_NO, ""),
    *_BETWEEN_NUMBERS,
    (_NUMBER, _say_number),
)

#: Pass 9: abbreviations.
_WORD_READINGS = (
    (_ETC, "vân vân"),
    (_DOTTED, _say_dotted),
    (_ABBREVIATION, _say_abbreviation),
    (_CAPITALS, _say_capitals),
)


def _apply(readings, line):
    for pattern, reading in readings:
        line = pattern.sub(reading, line)
    return line


def _say_line(line):
    """One line of text as it is spoken: the passes of the module docstring."""
    line = _INVISIBLE.sub("", _CONTROL.sub(" ", line))
    line = " ".join(line.split())
    line = _OTHER_DIGIT.sub(lambda match: str(unicodedata.digit(match[0])), line)
    line = _BULLET.sub("", line)
    for pattern in _URLS:
        line = pattern.sub(" ", line)
    line = line.replace("&", " và ")
    line = _apply(_SYMBOL_READINGS, line)
    if _DIGIT.search(line):
        line = _apply(_DATE_READINGS, line)
    line = _ROMAN.sub(_say_roman, line)
    if _DIGIT.search(line):
        line = _apply(_NUMBER_READINGS, line)
    line = _apply(_WORD_READINGS, line)
    return _tidy(line)


def normalise(text):
    """``text`` as the read-aloud voice should say it (see the module docstring)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    lines = [spoken for line in text.splitlines() if (spoken := _say_line(line))]
    for index, line in enumerate(lines[:-1]):
        if not line.endswith(_SENTENCE_END) and not line.endswith((",", ";", ":")):
            lines[index] = f"{line}."
    return " ".join(lines).rstrip(",;:- ")
