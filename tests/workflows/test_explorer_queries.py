"""The page explorer of a unit's news list: the same queries whether one item or
many wait in moderation, and still the right locks for each person.

A district's news list holds thousands of items in a city; the ones edited
last, and so listed first, are often those waiting in moderation.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content_types import factories
from workflows.listing import with_specific_steps

from .conftest import draft_news, fresh, submit


def explorer_queries(client, user, index):
    client.force_login(fresh(user))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtailadmin_explore", args=[index.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_explorer_costs_the_same_queries_however_many_items_wait(org, client):
    district = org.units["district"]
    editor, reviewer = org.people["district-editor"], org.people["district-reviewer"]
    first = draft_news(district, editor, title="Tin chờ duyệt 0")
    submit(first, editor)
    factories.publish_news(district, "Tin đã đăng 0")
    index = first.get_parent()

    explorer_queries(client, editor, index)  # the first request fills per-process caches
    editor_queries, _html = explorer_queries(client, editor, index)
    reviewer_queries, _html = explorer_queries(client, reviewer, index)

    for n in range(1, 8):
        submit(draft_news(district, editor, title=f"Tin chờ duyệt {n}"), editor)
        factories.publish_news(district, f"Tin đã đăng {n}")

    queries, html = explorer_queries(client, editor, index)
    assert queries == editor_queries
    assert all(f"Tin chờ duyệt {n}" in html and f"Tin đã đăng {n}" in html for n in range(8))
    queries, _html = explorer_queries(client, reviewer, index)
    assert queries == reviewer_queries


def test_pages_listed_in_the_explorer_keep_their_locks(org):
    """What the explorer's rows decide from the loaded steps is what a page
    fetched on its own decides: only the step's reviewers may act."""
    district = org.units["district"]
    editor, reviewer = org.people["district-editor"], org.people["district-reviewer"]
    approver = org.people["district-approver"]
    pages = [draft_news(district, editor, title=f"Tin {n}") for n in range(3)]
    for page in pages[:2]:
        submit(page, editor)
    index = pages[0].get_parent()

    def locks(user, pages):
        user = fresh(user)
        return {page.pk: bool(page.permissions_for_user(user).page_locked()) for page in pages}

    for user in (editor, reviewer, approver):
        # The explorer's queryset, with the hook's prefetch.
        listed = with_specific_steps(index.get_children().specific().prefetch_workflow_states())
        alone = [type(page).objects.get(pk=page.pk) for page in pages]
        assert locks(user, listed) == locks(user, alone)
    # Only the district's reviewers act on the first step: it is locked for the others.
    waiting = {pages[0].pk: True, pages[1].pk: True, pages[2].pk: False}
    assert locks(approver, alone) == waiting
    assert locks(reviewer, alone) == dict.fromkeys(waiting, False)
