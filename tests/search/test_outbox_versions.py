"""Two workers applying changes of one item out of order never leave the
older document in the index (external versions, search/outbox.py).

A worker's batch is: draw a version, read the content, send it. Worker A
reads an item and is slow to send; meanwhile the item changes and worker B
sends the newer content. When A's older document arrives at last, the real
OpenSearch keeps B's.
"""

import pytest
from opensearchpy.exceptions import NotFoundError

from search import conf, engine, outbox, records
from search.records import page_key

from .conftest import ENGINE_URL, drop_index, engine_settings, publish_news, unique_index

pytestmark = pytest.mark.skipif(not ENGINE_URL, reason="OPENSEARCH_URL is not set")


@pytest.fixture
def index(db):
    alias = unique_index()
    with engine_settings(alias):
        engine.ensure_index()
        yield alias
    drop_index(alias)


def indexed(key):
    try:
        return engine.client().get(index=conf.index_alias(), id=key)["_source"]
    except NotFoundError:
        return None


def slow_worker_reads(key):
    """What a worker has in hand before it sends: its version and the content."""
    version = outbox.draw_version()
    written, removed = records.refresh([key])
    return written, removed, version


def test_an_older_change_arriving_last_does_not_replace_the_newer(index, unit_tree):
    news = publish_news(unit_tree.grassroots, "Hội nghị sơ kết quý một")
    key = page_key(news.pk)
    outbox.process()
    slow = slow_worker_reads(key)

    news.title = "Hội nghị tổng kết năm"
    news.save_revision().publish()
    assert outbox.process()[1] == 0  # the other worker sends the newer content
    assert indexed(key)["title"] == "Hội nghị tổng kết năm"

    engine.apply(*slow)  # refused by the engine as older: counted as applied
    assert indexed(key)["title"] == "Hội nghị tổng kết năm"


def test_a_stale_index_after_a_delete_leaves_the_item_deleted(index, unit_tree):
    news = publish_news(unit_tree.grassroots, "Thông báo sẽ bị gỡ")
    key = page_key(news.pk)
    outbox.process()
    slow = slow_worker_reads(key)
    assert slow[0] and not slow[1]  # the slow worker saw it live

    news.unpublish()
    assert outbox.process()[1] == 0
    assert indexed(key) is None

    engine.apply(*slow)
    assert indexed(key) is None


def test_the_outbox_sends_growing_versions(index, unit_tree):
    news = publish_news(unit_tree.grassroots, "Tin có phiên bản")
    key = page_key(news.pk)
    outbox.process()
    first = engine.client().get(index=conf.index_alias(), id=key)["_version"]
    news.save_revision().publish()
    outbox.process()
    assert engine.client().get(index=conf.index_alias(), id=key)["_version"] > first
