"""The daily reminder of waiting steps, and the moderation report."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from workflows.models import ModerationReminder, UnitTaskState
from workflows.tasks import send_moderation_reminders_task

from .conftest import draft_news, submit


def waiting_since(org, level, days, title):
    editor = org.people[f"{level}-editor"]
    page = draft_news(org.units[level], editor, title=title)
    state = submit(page, editor)
    UnitTaskState.objects.filter(pk=state.current_task_state_id).update(
        started_at=timezone.now() - timedelta(days=days)
    )
    return page


def test_reminders_go_once_a_day_to_the_people_with_old_steps(org):
    waiting_since(org, "district", 5, "Tin cũ")
    waiting_since(org, "grassroots", 1, "Tin mới")
    mail.outbox.clear()
    call_command("send_moderation_reminders", "--days", "3", verbosity=0)
    assert [message.to for message in mail.outbox] == [[org.people["district-reviewer"].email]]
    assert "1" in mail.outbox[0].subject

    call_command("send_moderation_reminders", "--days", "3", verbosity=0)
    assert len(mail.outbox) == 1  # not twice on one day
    assert ModerationReminder.objects.count() == 1

    # The scheduled task does the same, and also sends nobody a second reminder.
    send_moderation_reminders_task.enqueue(days=3)
    assert len(mail.outbox) == 1

    call_command("send_moderation_reminders", "--days", "0", verbosity=0)
    recipients = {message.to[0] for message in mail.outbox[1:]}
    assert recipients == {org.people["grassroots-approver"].email}


def test_the_report_counts_waiting_steps_per_unit_and_level_within_the_users_scope(
    org, client, django_assert_max_num_queries
):
    waiting_since(org, "district", 4, "Tin huyện")
    waiting_since(org, "grassroots", 2, "Tin xã")
    waiting_since(org, "district_2", 1, "Tin huyện khác")

    client.force_login(org.people["district-approver"])
    with django_assert_max_num_queries(25):
        html = client.get(reverse("moderation_report"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-unit="DT"' in html and 'data-unit="DT-X1"' in html
    assert 'data-unit="PL"' not in html and "Tin huyện khác" not in html
    assert "Tin huyện" in html and "Tin xã" in html

    # Narrowed to the grassroots subtree.
    html = client.get(reverse("moderation_report"), {"unit": "DT-X1"}).content.decode()
    assert 'data-unit="DT-X1"' in html and 'data-unit="DT"' not in html

    # Outside the user's scope, and for people without a board: refused.
    response = client.get(reverse("moderation_report"), {"unit": "PL"})
    assert response.status_code == 302
    client.force_login(org.people["province-reviewer"])
    html = client.get(reverse("moderation_report")).content.decode()
    assert 'data-unit="PL"' in html and 'data-unit="DT"' in html
