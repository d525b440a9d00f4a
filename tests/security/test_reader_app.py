# The reader tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""The reader app on a shared phone (issue 16): what one member read never
stays for the next person, and no token or per-moment answer is kept in the
phone's caches. Replayed in Debian's Chromium against the live server."""

import pytest

from content_types.factories import publish_quiz
from tests.reader.conftest import (  # noqa: F401 (fixtures, registered by their names)
    PASSWORD,
    phone,
    sign_in,
    world,
)

pytestmark = pytest.mark.django_db(transaction=True)

KEPT_ADDRESSES = """async () => {
    if (!(await caches.keys()).includes("stdv-api")) return [];
    const requests = await (await caches.open("stdv-api")).keys();
    return requests.map((request) => new URL(request.url).pathname);
}"""


def test_signing_out_leaves_nothing_of_the_member_on_the_phone(world, phone):
    sign_in(phone, "dv-an", PASSWORD)
    phone.evaluate("navigator.serviceWorker.ready")
    detail = f"/api/v2/pages/{world['branch_news'].pk}/"
    phone.goto(f"/#/muc/{world['branch_news'].pk}")
    phone.get_by_role("heading", name=world["branch_news"].title).wait_for()
    assert detail in phone.evaluate(KEPT_ADDRESSES)
    phone.goto("/#/cai-dat")
    phone.get_by_role("button", name="Đăng xuất").click()
    phone.locator("[data-feed=news]").wait_for()
    assert detail not in phone.evaluate(KEPT_ADDRESSES)


CACHED_BODIES = """async () => {
    const bodies = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const body = await (await cache.match(request)).text();
            bodies.push([new URL(request.url).pathname, body]);
        }
    }
    return bodies;
}"""


def test_no_token_and_no_quiz_standing_is_kept_in_the_caches(world, phone):
    quiz = publish_quiz(world["units"].province, title="Thi tìm hiểu Nghị quyết")
    sign_in(phone, "dv-an", PASSWORD)
    phone.evaluate("navigator.serviceWorker.ready")
    token = phone.evaluate(
        "new Promise((done) => { const open = indexedDB.open('stdv-reader');"
        " open.onsuccess = () => { const get = open.result.transaction('kv')"
        ".objectStore('kv').get('session'); get.onsuccess = () => done(get.result.token); }; })"
    )
    standing = f"/api/quizzes/{quiz.pk}/attempts/"
    answer = phone.evaluate(
        "async ([path, token]) =>"
        " (await fetch(path, {headers: {Authorization: `Bearer ${token}`}})).status",
        [standing, token],
    )
    assert answer == 200
    phone.goto(f"/#/muc/{world['branch_news'].pk}")
    phone.get_by_role("heading", name=world["branch_news"].title).wait_for()
    bodies = phone.evaluate(CACHED_BODIES)
    paths = [path for path, _body in bodies]
    assert f"/api/v2/pages/{world['branch_news'].pk}/" in paths  # the cache is in use
    assert standing not in paths
    assert not [path for path, body in bodies if token in body]
