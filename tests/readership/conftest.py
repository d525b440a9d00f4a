"""Reading records are off in the test settings; these tests turn them on,
with this process's buffer empty before and after each test."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from content_types.models import Audience
from readership import recording
from tests.api.conftest import bearer, member, publish_news


@pytest.fixture
def recording_on(settings):
    settings.READERSHIP_RECORDING = True
    settings.READERSHIP_FLUSH_SIZE = 500
    settings.READERSHIP_FLUSH_EVERY = 30
    recording.BUFFER.clear()
    cache.clear()
    yield settings
    recording.BUFFER.clear()
    cache.clear()


@pytest.fixture
def reading(unit_tree):
    """Two members of the branch DT-X1-C1 with app clients, and items of the
    grassroots unit DT-X1: one for all members, one for the branch only."""
    grassroots, branch = unit_tree.grassroots, unit_tree.branch
    alice, bob = member(branch, "alice"), member(branch, "bob")
    clients = {}
    for user in (alice, bob):
        clients[user.username] = Client(**bearer(user))
    return SimpleNamespace(
        alice=alice,
        bob=bob,
        clients=clients,
        news=publish_news(grassroots, "Tin toàn Đảng bộ", Audience.MEMBERS),
        branch_news=publish_news(grassroots, "Tin chi bộ", Audience.UNIT, (branch,)),
    )


def detail(client, page, **headers):
    return client.get(f"/api/v2/pages/{page.pk}/", **headers)
