"""Demo branch life for ``make run`` (``manage.py seed_demo_branch_life``).

In the demo's branch (Chi bộ xóm Cầu Tâm, ``TN-02-001-01``, or on another
tree the first branch with a secretary): last month's meeting held, with
attendance, a secret vote counted, minutes and the committee's rating; an
announced meeting with a published document and an uploaded PDF; tasks
open, overdue and done; a member of the sibling branch registered here as
their residence place; a new member's registration awaiting approval. All
through the services, as the people would do it; past dates are written
back afterwards (a service never lets a secretary date a meeting or a task
in the past). The grassroots unit's approver becomes its committee's
secretary, and the branch secretary an editor on the branch's board (so
the admin's "New meeting" is theirs to use).

Run after ``seed_demo`` and ``seed_demo_content``. Each piece is found again
by its title or username, so a re-run changes nothing.
"""

import datetime
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from content_types.models import NewsArticle, PartyDocument
from content_types.models.audience import readable_pages
from editorial.demo.data import TEAM_UNIT_CODES
from editorial.models import (
    BoardMembership,
    BoardRole,
    CommitteeRole,
    CommitteeRoleKind,
    MemberStatus,
    Unit,
    UnitLevel,
)
from editorial.provisioning import add_board_member

from . import assignments, meetings, requests, residence, roles, uploads, voting
from .models import Meeting, MembershipRequest, ResidenceRegistration, Task, TaskAssignment
from .monthly import Month

PAST_TITLE = "Sinh hoạt chi bộ định kỳ tháng trước"
NEXT_TITLE = "Sinh hoạt chuyên đề: học tập nghị quyết"
PLACE = "Nhà văn hoá xóm Cầu Tâm"
VOTE_QUESTION = "Đề nghị kết nạp quần chúng ưu tú vào Đảng"
NEW_MEMBER_USERNAME = "demo-quan-chung-uu-tu"
# (title, given at last month's meeting, days to the due date from then or
# from today, statuses of the two assignees)
TASKS = [
    ("Thu đảng phí quý IV", True, 10, ["done", "done"]),
    ("Nộp báo cáo kiểm điểm cá nhân", True, 13, ["done", "todo"]),
    ("Vận động hộ dân làm đường liên xóm", False, 12, ["doing", "todo"]),
]


def seed_branch_life(log=print):
    branch = demo_branch()
    if branch is None:
        log("No branch with a secretary: run seed_demo first.")
        return None
    grassroots = roles.committee_unit_above(branch)
    secretary = _secretary(branch)
    committee = _committee_member(grassroots)
    with transaction.atomic():
        add_board_member(branch, secretary.user, BoardRole.EDITOR)
        past = _past_meeting(branch, secretary, committee)
        upcoming = _upcoming_meeting(branch, secretary)
        _tasks(branch, secretary)
        resident = _resident(branch, grassroots)
        _registration(branch, secretary)
    log(f"Branch life demo in {branch.name} ({branch.code}):")
    log(f"  held: {past}; announced: {upcoming}")
    if resident is not None:
        log(f"  residence-place member: {resident.full_name} ({resident.user.username})")
    log(f"  secretary (admin: New meeting; reader app): {secretary.user.username}")
    if committee is not None:
        who = f"  committee of {grassroots.name} (rates meetings, monthly table)"
        log(f"{who}: {committee.user.username}")
    log(
        f"  monthly table: manage.py branch_month_table {grassroots.code} "
        f"{Month.current().previous()}"
    )
    return branch


def demo_branch():
    """The demo team's branch, else the first active branch with a secretary."""
    with_secretary = CommitteeRole.objects.current().filter(
        role__in=roles.OFFICES, unit__level=UnitLevel.BRANCH
    )
    branches = Unit.objects.active().filter(pk__in=with_secretary.values("unit_id"))
    return branches.filter(code=TEAM_UNIT_CODES["branch"]).first() or branches.first()


def _secretary(branch):
    role = (
        CommitteeRole.objects.current()
        .filter(unit=branch, role=CommitteeRoleKind.SECRETARY)
        .select_related("member__user")
        .order_by("pk")
        .first()
    ) or CommitteeRole.objects.current().filter(unit=branch, role__in=roles.OFFICES).first()
    return role.member


def _committee_member(grassroots):
    """The grassroots committee's secretary; made of its board's approver if none."""
    if grassroots is None:
        return None
    current = CommitteeRole.objects.current().filter(unit=grassroots, role__in=roles.OFFICES)
    role = current.select_related("member__user").order_by("role", "pk").first()
    if role is not None:
        return role.member
    approver = (
        BoardMembership.objects.filter(
            board__unit=grassroots, role=BoardRole.APPROVER, user__member__isnull=False
        )
        .select_related("user__member")
        .order_by("pk")
        .first()
    )
    if approver is None:
        return None
    member = approver.user.member
    started = timezone.localdate() - datetime.timedelta(days=365)
    CommitteeRole.objects.create(
        member=member, unit=grassroots, role=CommitteeRoleKind.SECRETARY, started_on=started
    )
    return member


def _at(day, hour, minute=0):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(moment)


def past_meeting_day():
    """The 15th of last month."""
    return Month.current().previous().first_day + datetime.timedelta(days=14)


def _past_meeting(branch, secretary, committee):
    existing = Meeting.objects.filter(branch=branch, title=PAST_TITLE).first()
    if existing is not None:
        return existing
    day = past_meeting_day()
    meeting = meetings.create_meeting(
        secretary,
        branch,
        kind="regular",
        title=PAST_TITLE,
        starts_at=_at(day, 19, 30),
        ends_at=_at(day, 21, 30),
        place=PLACE,
        agenda=["Kiểm điểm công tác tháng", VOTE_QUESTION, "Phân công nhiệm vụ tháng tới"],
    )
    meetings.publish_meeting(secretary, meeting)
    roll = list(roles.roll(branch).order_by("pk"))
    excused = next((m for m in roll if m.pk != secretary.pk), None)
    entries = {m.pk: "present" for m in roll}
    if excused is not None:
        entries[excused.pk] = "excused"
    meetings.record_attendance(secretary, meeting, entries)
    item = meeting.agenda.get(order=2)
    vote = voting.open_vote(
        secretary, meeting, question=VOTE_QUESTION, agenda_item=item, secret=True
    )
    own = [
        m
        for m in roll
        if m.branch_id == branch.pk
        and m.status == MemberStatus.OFFICIAL
        and entries[m.pk] == "present"
    ]
    for number, voter in enumerate(own):
        voting.cast_ballot(voter, vote, "abstain" if number == len(own) - 1 else "approve")
    meetings.close_meeting(
        secretary,
        meeting,
        minutes=(
            "Chi bộ kiểm điểm công tác tháng: hoàn thành thu đảng phí, vận động nhân dân "
            "tham gia vệ sinh môi trường. Biểu quyết kín đề nghị kết nạp quần chúng ưu tú."
        ),
        resolution="Thông qua đề nghị kết nạp; giao nhiệm vụ tháng tới cho từng đảng viên.",
    )
    Meeting.objects.filter(pk=meeting.pk).update(closed_at=_at(day, 21, 30))
    if committee is not None:
        meetings.rate_meeting(
            committee, meeting, "tot", "Chi bộ sinh hoạt nền nếp, đúng nội dung."
        )
    return meeting


def _upcoming_meeting(branch, secretary):
    existing = Meeting.objects.filter(branch=branch, title=NEXT_TITLE).first()
    if existing is not None:
        return existing
    day = timezone.localdate() + datetime.timedelta(days=6)
    meeting = meetings.create_meeting(
        secretary,
        branch,
        kind="thematic",
        title=NEXT_TITLE,
        starts_at=_at(day, 19, 30),
        place=PLACE,
        guidance="Đồng chí bí thư quán triệt nghị quyết; đảng viên thảo luận, liên hệ bản thân.",
        agenda=["Quán triệt nghị quyết", "Thảo luận, liên hệ thực tiễn của xóm"],
    )
    readable = readable_pages(secretary.user)
    page = (
        readable.type(PartyDocument).order_by("-first_published_at").first()
        or readable.type(NewsArticle).order_by("-first_published_at").first()
    )
    if page is not None:
        meetings.add_material(secretary, meeting, page=page)
    upload = ContentFile(demo_pdf("Du thao nghi quyet chi bo"), name="du-thao-nghi-quyet.pdf")
    document = uploads.material_document(
        upload, "Dự thảo nghị quyết chi bộ", meeting, secretary.user
    )
    meetings.add_material(secretary, meeting, document=document)
    return meetings.publish_meeting(secretary, meeting)


def _tasks(branch, secretary):
    members = list(
        roles.roll(branch).filter(branch=branch).exclude(pk=secretary.pk).order_by("pk")[:2]
    ) or [secretary]
    today = timezone.localdate()
    for title, at_past_meeting, due_in, statuses in TASKS:
        if Task.objects.filter(branch=branch, title=title).exists():
            continue
        task = assignments.assign_task(
            secretary,
            branch,
            title=title,
            member_ids=[m.pk for m in members],
            due_on=today + datetime.timedelta(days=due_in),
        )
        if at_past_meeting:
            given = past_meeting_day()
            Task.objects.filter(pk=task.pk).update(
                due_on=given + datetime.timedelta(days=due_in), created_at=_at(given, 21)
            )
        for assignment, status in zip(
            TaskAssignment.objects.filter(task=task).order_by("pk"), statuses, strict=False
        ):
            if status != "todo":
                assignments.update_assignment(assignment.member, assignment, status=status)


def _resident(branch, grassroots):
    """A member of a sibling branch registered here by their own secretary."""
    current = ResidenceRegistration.objects.current().filter(branch=branch)
    registration = current.select_related("member__user").first()
    if registration is not None:
        return registration.member
    sibling_offices = CommitteeRole.objects.current().filter(
        role__in=roles.OFFICES,
        unit__level=UnitLevel.BRANCH,
        unit__path__startswith=grassroots.path if grassroots else branch.path,
    )
    office = sibling_offices.exclude(unit=branch).select_related("member", "unit").first()
    if office is None:
        return None
    holders = CommitteeRole.objects.filter(unit=office.unit).values("member_id")
    member = (
        roles.roll(office.unit)
        .filter(branch=office.unit, status=MemberStatus.OFFICIAL)
        .exclude(pk__in=holders)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is None:
        return None
    residence.register_residence(office.member, member, branch)
    return member


def _registration(branch, secretary):
    if MembershipRequest.objects.filter(username=NEW_MEMBER_USERNAME).exists():
        return
    requests.request_new_member(
        secretary,
        branch,
        full_name="Nguyễn Văn Ưu Tú",
        username=NEW_MEMBER_USERNAME,
        note="Quần chúng ưu tú, đã học lớp nhận thức về Đảng; chưa có thẻ đảng viên.",
    )


def demo_pdf(text):
    """A one-page PDF saying ``text`` (ASCII), for the uploaded material."""
    content = zlib.compress(f"BT /F1 20 Tf 72 720 Td ({text}) Tj ET".encode("ascii"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
