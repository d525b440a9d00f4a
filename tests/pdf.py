"""PDF files written byte by byte, so that tests read real PDFs without a
PDF library: the objects given, a cross-reference table and a trailer."""

import io


def pdf_file(objects):
    """A PDF whose numbered objects are ``objects`` (bytes), the first being
    the catalogue."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, xref))
    return out.getvalue()


def stream(content):
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
