"""The abbreviations of party texts, and how to say the ones we do not know.

``ABBREVIATIONS`` is the one table of what an abbreviation stands for, as a
reader says it aloud: add a line to teach the voice a new one. Keys are
matched case-sensitively and as whole words ("TU" but not "TUẦN" or "tu").
The same table names the issuers in document symbols (``619-BC/ĐUK``);
``DOCUMENT_TYPES`` holds the types, which are only read inside a symbol
because some of them ("TT", "CT") mean other things in running text.

An issuer made of an organ and a level ("BTGTU" = "BTG" + "TU") is read from
its two parts: see ``ORGANS`` and ``LEVELS``.

Any other word of 2-5 capital letters that cannot be a Vietnamese syllable
("ABC", "WTO", "CNTT" if it were not in the table) is spelled letter by
letter with the Vietnamese names of the letters ("a bê xê"). We spell rather
than leave it to espeak-ng because its ``vi`` voice reads such words as
English ("ĐUK" as "duck", "UBND" as one syllable). Capitalised Vietnamese
words in headings ("BÁO CÁO", "TỈNH") are syllables and are left alone.
"""

import re
import unicodedata

ABBREVIATIONS = {
    # Party committees and their levels
    "TW": "Trung ương",
    "TU": "Tỉnh ủy",
    "HU": "Huyện ủy",
    "QU": "Quận ủy",
    "ĐU": "Đảng ủy",
    "ĐUK": "Đảng ủy Khối",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "BCT": "Bộ Chính trị",
    "BBT": "Ban Bí thư",
    "BTG": "Ban Tuyên giáo",
    "BTC": "Ban Tổ chức",
    "BDV": "Ban Dân vận",
    "BNC": "Ban Nội chính",
    "BCĐ": "Ban Chỉ đạo",
    "UBKT": "Ủy ban Kiểm tra",
    "VP": "Văn phòng",
    "ĐCSVN": "Đảng Cộng sản Việt Nam",
    "TCCSĐ": "tổ chức cơ sở đảng",
    "STĐVĐT": "Sổ tay đảng viên điện tử",
    # State bodies
    "QH": "Quốc hội",
    "ĐBQH": "đại biểu Quốc hội",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    # Mass organisations
    "MTTQ": "Mặt trận Tổ quốc",
    "CCB": "Cựu chiến binh",
    "LHPN": "Liên hiệp Phụ nữ",
    "ĐTN": "Đoàn Thanh niên Cộng sản",
    "ĐTNCS": "Đoàn Thanh niên Cộng sản",
    # Places
    "VN": "Việt Nam",
    "HCM": "Hồ Chí Minh",
    "TP": "thành phố",
    "Tp": "thành phố",
    "TX": "thị xã",
    "TT": "thị trấn",
    # Titles
    "GS": "giáo sư",
    "PGS": "phó giáo sư",
    "TS": "tiến sĩ",
    "ThS": "thạc sĩ",
    # Everything else
    "CNTT": "công nghệ thông tin",
    "KT-XH": "kinh tế - xã hội",
    "CNXH": "chủ nghĩa xã hội",
    "XHCN": "xã hội chủ nghĩa",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "USD": "đô la Mỹ",
    "VNĐ": "Việt Nam đồng",
    "COVID": "cô-vít",
}

#: Abbreviations also written with a full stop before a name ("TP. Huế",
#: "TP.HCM", "PGS.TS. Nguyễn Văn A"): the full stop is not a sentence end.
DOTTED = ("TP", "Tp", "TX", "TT", "GS", "PGS", "TS", "ThS")

#: Organs and levels that make an issuer together: "BTG" + "TU" is "Ban
#: Tuyên giáo Tỉnh ủy". Every name here is a key of ``ABBREVIATIONS``.
ORGANS = ("BTG", "BTC", "BDV", "BNC", "BCĐ", "BCH", "BTV", "UBKT", "VP", "ĐTN", "MTTQ")
LEVELS = ("TW", "TU", "HU", "QU", "ĐU", "ĐUK")

#: The type part of a document symbol ("BC" in ``619-BC/ĐUK``).
DOCUMENT_TYPES = {
    "BC": "báo cáo",
    "NQ": "nghị quyết",
    "CT": "chỉ thị",
    "QĐ": "quyết định",
    "QĐi": "quy định",
    "KH": "kế hoạch",
    "HD": "hướng dẫn",
    "TB": "thông báo",
    "TTr": "tờ trình",
    "CTr": "chương trình",
    "ĐA": "đề án",
    "BB": "biên bản",
    "CV": "công văn",
    "GM": "giấy mời",
    "KL": "kết luận",
    "QC": "quy chế",
    "TT": "thông tri",
    "NĐ": "nghị định",
    "CĐ": "công điện",
    "HĐ": "hợp đồng",
}

#: Vietnamese names of the letters, as said when spelling an abbreviation.
LETTER_NAMES = {
    "a": "a",
    "ă": "á",
    "â": "ớ",
    "b": "bê",
    "c": "xê",
    "d": "dê",
    "đ": "đê",
    "e": "e",
    "ê": "ê",
    "f": "ép",
    "g": "giê",
    "h": "hát",
    "i": "i",
    "j": "gi",
    "k": "ca",
    "l": "lờ",
    "m": "mờ",
    "n": "nờ",
    "o": "o",
    "ô": "ô",
    "ơ": "ơ",
    "p": "pê",
    "q": "quy",
    "r": "rờ",
    "s": "ét",
    "t": "tê",
    "u": "u",
    "ư": "ư",
    "v": "vê",
    "w": "vê kép",
    "x": "ích",
    "y": "i dài",
    "z": "dét",
}

# A Vietnamese syllable, once tone marks and vowel hats are taken off:
# an optional initial consonant, one to three vowels, an optional final.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)

_TRAILING_NUMBER = re.compile(r"([^\W\d_]+)(\d+)")


def _bare(letter):
    """A letter without its tone mark and hat ("Ộ" -> "o", "Đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", letter.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_vietnamese_syllable(word):
    """Whether ``word`` could be one Vietnamese syllable ("TỈNH" yes, "ĐUK" no)."""
    return _SYLLABLE.fullmatch("".join(_bare(letter) for letter in word)) is not None


def _letter_name(letter):
    lower = letter.lower()
    if lower in LETTER_NAMES:
        return LETTER_NAMES[lower]
    # Keep the hat (ô, ơ, ư ...) but not the tone mark: "Ộ" is said "ô".
    decomposed = unicodedata.normalize("NFD", lower)
    toneless = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if c not in "\u0300\u0301\u0303\u0309\u0323")
    )
    return LETTER_NAMES.get(toneless, lower)


def spell(word):
    """``word`` letter by letter: "ABC" -> "a bê xê". Digits stay digits."""
    return " ".join(
        _letter_name(char) if char.isalpha() else char for char in word if char.isalnum()
    )


def read_organisation(name):
    """An abbreviated body: "ĐUK" -> "Đảng ủy Khối", "BTGTU" -> "Ban Tuyên
    giáo Tỉnh ủy", "QH14" -> "Quốc hội khóa 14" (number left in digits);
    ``None`` if it is not one we know."""
    if name in ABBREVIATIONS:
        return ABBREVIATIONS[name]
    for organ in ORGANS:
        level = name.removeprefix(organ)
        if level != name and level in LEVELS:
            return f"{ABBREVIATIONS[organ]} {ABBREVIATIONS[level]}"
    numbered = _TRAILING_NUMBER.fullmatch(name)
    if numbered and numbered[1] in ABBREVIATIONS:
        term = "khóa" if numbered[1] == "QH" else ""  # QH14: the 14th National Assembly
        return " ".join(filter(None, (ABBREVIATIONS[numbered[1]], term, numbered[2])))
    return None


def read_issuer(issuer):
    """The issuer of a document symbol, parts joined by "-" read in turn;
    a part we do not know is spelled."""
    return " ".join(read_organisation(part) or spell(part) for part in issuer.split("-") if part)


def read_document_type(code):
    """ "BC" -> "báo cáo"; an unknown type is spelled."""
    return DOCUMENT_TYPES.get(code) or spell(code)
