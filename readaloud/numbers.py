"""Numbers in Vietnamese words, the way they are read aloud.

The rules a Vietnamese reader follows, and espeak-ng does not:

* 10 is "mười", but 20-90 are "hai mươi" ... "chín mươi";
* after a ten, 1 is "mốt" (21 "hai mươi mốt", but 11 "mười một"), 4 is "tư"
  (24 "hai mươi tư", but 14 "mười bốn") and 5 is "lăm" (15 "mười lăm");
* a zero ten before a unit is "linh" (105 "một trăm linh năm");
* a group of three after a bigger one is read in full, hundreds included
  (2020 "hai nghìn không trăm hai mươi", 1.005 "một nghìn không trăm linh
  năm"); a group that is all zeros is not read (1.000.000 "một triệu");
* the groups are "nghìn", "triệu" and "tỷ"; beyond a billion the count of
  billions is itself a number (1.500 tỷ "một nghìn năm trăm tỷ").

Strings of digits that are codes rather than amounts (phone and card
numbers) are read digit by digit: see ``read_digit_string``.
"""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

#: How a unit digit is said after a ten of 2-9 ("hai mươi mốt", "hai mươi tư").
UNITS_AFTER_TENS = {1: "mốt", 4: "tư", 5: "lăm"}

BILLION = 10**9

#: Longer digit strings are not amounts: they are read digit by digit.
MAX_AMOUNT_DIGITS = 15

#: A string of digits that starts with 0 and is at least this long is a code
#: (a phone number: 0912345678), read digit by digit; shorter ones are
#: numbers ("05" is "năm").
MIN_CODE_DIGITS = 4


def _read_group(value, full):
    """Words of ``value`` (0-999). ``full``: it follows a bigger group, so
    its hundreds and "linh" are said even when zero ("không trăm linh năm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words += ["linh", DIGITS[units]]
        elif units:
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append(UNITS_AFTER_TENS.get(units, DIGITS[units]))
    return words


def _read_below_billion(value, full):
    words = []
    for group, name in ((value // 10**6, "triệu"), (value // 1000 % 1000, "nghìn")):
        if group:
            words += [*_read_group(group, full or bool(words)), name]
    if value % 1000:
        words += _read_group(value % 1000, full or bool(words))
    return words


def _read(value, full):
    if value >= BILLION:
        billions, rest = divmod(value, BILLION)
        words = [*_read(billions, full), "tỷ"]
        if rest:
            words += _read_below_billion(rest, True)
        return words
    return _read_below_billion(value, full)


def read_integer(value):
    """``2315`` -> "hai nghìn ba trăm mười lăm"; 0 is "không"."""
    if value == 0:
        return DIGITS[0]
    return " ".join(_read(value, False))


def read_digits(digits):
    """ "0912" -> "không chín một hai": each ASCII digit of ``digits``."""
    return " ".join(DIGITS[int(digit)] for digit in digits if digit.isascii() and digit.isdigit())


def read_digit_string(digits):
    """A run of digits as a reader says it: an amount ("470000" -> "bốn trăm
    bảy mươi nghìn", "05" -> "năm") or, if longer than ``MAX_AMOUNT_DIGITS``
    or a code starting with 0 (``MIN_CODE_DIGITS`` or more), digit by digit."""
    if len(digits) > MAX_AMOUNT_DIGITS or (
        digits.startswith("0") and len(digits) >= MIN_CODE_DIGITS
    ):
        return read_digits(digits)
    return read_integer(int(digits))


def read_grouped(digits):
    """A number written with thousands separators, given without them
    ("1250000"): its value, or its digits if it is too long to be an amount."""
    if len(digits) > MAX_AMOUNT_DIGITS:
        return read_digits(digits)
    return read_integer(int(digits))


def read_fraction(digits):
    """The part after the decimal comma: leading zeros each "không", then the
    rest as a number ("05" -> "không năm", "87" -> "tám mươi bảy"), or digit
    by digit if it is longer than three digits."""
    if len(digits) > 3:
        return read_digits(digits)
    significant = digits.lstrip("0")
    zeros = [DIGITS[0]] * (len(digits) - len(significant))
    rest = [read_integer(int(significant))] if significant else []
    return " ".join(zeros + rest)


def read_decimal(whole, fraction):
    """ "72", "87" -> "bảy mươi hai phẩy tám mươi bảy"."""
    return f"{read_grouped(whole)} phẩy {read_fraction(fraction)}"


def read_ordinal(value):
    """The number after "thứ": 1 "nhất", 4 "tư", others as cardinals."""
    return {1: "nhất", 4: "tư"}.get(value) or read_integer(value)


def read_month(value):
    """The number after "tháng": 4 is "tư" ("tháng tư"), 1 "một"."""
    return "tư" if value == 4 else read_integer(value)
