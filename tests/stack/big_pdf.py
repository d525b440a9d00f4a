"""A text PDF big enough that reading it keeps a worker busy for seconds.

Written by hand (the PDF format's own objects, Helvetica, no library): each
page holds lines of Vietnamese-like words without diacritics, so that pypdf
has real text to decode. The reading time grows with the page count.
"""

import random

from tests.pdf import pdf_file, stream

_TEXT = (
    "nghi quyet dai hoi dang bo chi bo dang vien hoc tap lam theo tu tuong dao duc "
    "phong cach ho chi minh xay dung chinh don dang kiem tra giam sat ky luat "
    "chuyen doi so cai cach hanh chinh phat trien kinh te xa hoi quoc phong an ninh"
)
WORDS = _TEXT.split()


def _page_stream(rng, lines):
    rows = ["BT", "/F1 9 Tf", "11 TL", "40 800 Td"]
    for _ in range(lines):
        text = " ".join(rng.choice(WORDS) for _ in range(14))
        rows.append(f"({text}) Tj T*")
    rows.append("ET")
    return "\n".join(rows).encode("ascii")


def write_pdf(path, pages, *, lines=70, seed=15):
    """Write a ``pages``-page PDF to ``path``; returns its size in bytes."""
    rng = random.Random(seed)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, once the page numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for _ in range(pages):
        objects.append(stream(_page_stream(rng, lines)))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(len(objects))
    kid_refs = b" ".join(b"%d 0 R" % number for number in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kid_refs, pages)
    out = pdf_file(objects)
    with open(path, "wb") as handle:
        handle.write(out)
    return len(out)
