"""Scenario 6: two schedulers replay the same day at once
(``run_scheduler --from --until --step 60``) with moderation steps waiting
longer than WORKFLOWS_REMINDER_DAYS: each reviewer gets one reminder."""

import datetime
import email
import re
import subprocess
import time
import zoneinfo
from collections import Counter
from email.header import decode_header, make_header

from .conftest import record
from .topology import PYTHON, ROOT, wait_until

REMINDER = re.compile(r"waiting for your review|đang chờ bạn duyệt")
SEPARATOR = "\n" + "-" * 79 + "\n"


def reminder_recipients(folder):
    """The addressee of every reminder the file back end wrote into ``folder``."""
    recipients = []
    for path in sorted(folder.iterdir()):
        for raw in path.read_text(errors="replace").split(SEPARATOR):
            if not raw.strip():
                continue
            message = email.message_from_string(raw.lstrip())
            subject = str(make_header(decode_header(message.get("Subject", ""))))
            if REMINDER.search(subject):
                recipients.append(message.get("To"))
    return recipients


def test_two_schedulers_for_a_day_send_each_reminder_once(stack):
    waiting = stack.admin("backdate-moderation", "5")["steps"]
    before = stack.sql("SELECT coalesce(max(id), 0) FROM workflows_moderationreminder")[0][0]
    already = len(reminder_recipients(stack.mail))
    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    day = datetime.datetime.now(zone).date() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(0, 0))
    command = [
        PYTHON, "manage.py", "run_scheduler",
        "--from", start.isoformat(timespec="minutes"),
        "--until", (start + datetime.timedelta(days=1)).isoformat(timespec="minutes"),
        "--step", "60",
    ]  # fmt: skip
    began = time.monotonic()
    schedulers = [
        subprocess.Popen(
            command, cwd=ROOT, env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [scheduler.communicate(timeout=240) for scheduler in schedulers]
    replayed = time.monotonic() - began
    assert [scheduler.returncode for scheduler in schedulers] == [0, 0], outputs
    sent = stack.sql("SELECT count(*) FROM workflows_moderationreminder WHERE id > %s", (before,))[
        0
    ][0]

    def delivered():  # the workers send the mail (a task per message)
        found = reminder_recipients(stack.mail)[already:]
        return found if len(found) >= sent else None

    recipients = wait_until(delivered, 60, "the reminders to be written", interval=1)
    time.sleep(3)  # anything sent twice would arrive by now
    recipients = reminder_recipients(stack.mail)[already:]
    record(
        "6. two schedulers replaying a day",
        {
            "simulated day": day.isoformat(),
            "replay of both (s)": round(replayed, 1),
            "moderation steps waiting": waiting,
            "reminders recorded": sent,
            "reminder e-mails written": len(recipients),
            "recipients reminded twice": [to for to, n in Counter(recipients).items() if n > 1],
        },
    )
    assert waiting > 0 and sent > 0
    assert len(recipients) == sent
    assert len(set(recipients)) == len(recipients)
