"""Scenario 7: a resumed download of a members-only document through nginx:
a byte range for a member (Bearer token) is 206 with the right bytes, sent by
nginx from the protected location; an anonymous reader gets 404."""

from .big_pdf import write_pdf
from .conftest import get, record
from .topology import RUN


def test_a_member_resumes_a_download_and_a_stranger_gets_404(stack, member_token):
    path = RUN / "nghi-quyet-99.pdf"
    write_pdf(path, pages=40)
    content = path.read_bytes()
    found = stack.admin("members-document", str(path))
    member = {"Authorization": f"Bearer {member_token}"}
    results = {}
    for url in (found["url"], f"/media/{found['file']}"):
        middle = get(stack, url, {**member, "Range": "bytes=1000-1999"})
        rest = get(stack, url, {**member, "Range": f"bytes={len(content) - 5000}-"})
        stranger = get(stack, url, {"Range": "bytes=1000-1999"})
        results[url] = (middle, rest, stranger)
    record(
        "7. resumed download of a members-only document",
        {
            "file bytes": len(content),
            **{
                url: f"member {m.status} ({m.headers.get('content-range')}), "
                f"resume {r.status}, anonymous {s.status}"
                for url, (m, r, s) in results.items()
            },
        },
    )
    for middle, rest, stranger in results.values():
        assert middle.status == 206
        assert middle.headers["content-range"] == f"bytes 1000-1999/{len(content)}"
        assert middle.body == content[1000:2000]
        assert rest.status == 206 and rest.body == content[-5000:]
        assert stranger.status == 404
        assert stranger.body.find(content[1000:1100]) == -1
