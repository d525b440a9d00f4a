"""Issue 13, accounts: taking over an account from below (#2), the sign-in
throttle and lockout (#5, #6), what a refused sign-in reveals (#10) and how long
a reader token lives (#11). Each test replays the attack over HTTP on
PostgreSQL and checks that the legitimate use still works."""

import datetime
import io
import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from api.models import ReaderToken, SignInCode
from api.wagtail_hooks import sign_in_help_button
from editorial.factories import MemberFactory, UserFactory
from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind, MemberStatus
from tests.api.conftest import bearer, member

TOKEN_URL = "/api/auth/token/"
PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password=PASSWORD, **extra):
    body = {"username": username, "password": password}
    return client.post(TOKEN_URL, body, content_type="application/json", **extra)


def sign_in_help(client, target, **data):
    url = f"/admin/members/{target.member.pk}/sign-in/"
    return client.post(url, data) if data else client.get(url)


def refused(response):
    """The admin's refusal: 403, or Wagtail's redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url.rstrip("/").endswith("/admin")
    )


# 2. Account takeover upward


def test_a_board_head_cannot_take_over_an_office_holder_above_them(unit_tree, board_user):
    """issue 13 #2: a grassroots head opened sign-in help for the district head
    (who lives in one of their branches), issued a code and traded it for a token."""
    head = board_user(unit_tree.grassroots, BoardRole.APPROVER, "bi-thu-xa")
    district_head = board_user(unit_tree.district, BoardRole.APPROVER, "bi-thu-huyen")
    MemberFactory(user=district_head, branch=unit_tree.branch)
    secretary = member(unit_tree.branch, "bi-thu-huyen-uy")
    CommitteeRole.objects.create(
        member=secretary.member, unit=unit_tree.district, role=CommitteeRoleKind.SECRETARY
    )
    platform_admin = board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN, "quan-tri")
    MemberFactory(user=platform_admin, branch=unit_tree.branch)
    superuser = UserFactory(username="sieu-quan-tri", is_superuser=True)
    MemberFactory(user=superuser, branch=unit_tree.branch)
    ordinary = member(unit_tree.branch, "dang-vien")
    admin = Client()
    admin.force_login(head)

    for target in (district_head, secretary, platform_admin, superuser):
        assert refused(sign_in_help(admin, target)), target
        assert refused(sign_in_help(admin, target, action="code")), target
        new_password = {"action": "password", "password": "Chiem-quyen-2025"}
        assert refused(sign_in_help(admin, target, **new_password)), target
        assert not SignInCode.objects.filter(user=target).exists()
        assert sign_in(Client(), target.username, "Chiem-quyen-2025").status_code == 400
        assert list(sign_in_help_button(user=target, request_user=head)) == []

    # A committee office that has ended is no longer above anyone.
    CommitteeRole.objects.filter(member=secretary.member).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert sign_in_help(admin, secretary).status_code == 200

    # The ordinary member is helped, and the audit log says who helped whom.
    assert [button.url for button in sign_in_help_button(user=ordinary, request_user=head)] == [
        f"/admin/members/{ordinary.member.pk}/sign-in/"
    ]
    page = sign_in_help(admin, ordinary, action="code").content.decode()
    code = re.search(r"data-sign-in-code>(\d{8})<", page).group(1)
    body = {"username": "dang-vien", "code": code}
    assert Client().post(TOKEN_URL, body, content_type="application/json").status_code == 201
    sign_in_help(admin, ordinary, action="password", password="Mat-khau-moi-2025")
    logged = ModelLogEntry.objects.filter(object_id=str(ordinary.member.pk), user=head)
    assert set(logged.values_list("action", flat=True)) == {
        "api.sign_in.code_issued",
        "api.sign_in.password_set",
    }

    # Platform administrators help their peers and the district head; only a
    # superuser helps a superuser.
    secretariat = board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN, "van-phong")
    admin.force_login(secretariat)
    assert sign_in_help(admin, district_head).status_code == 200
    assert sign_in_help(admin, platform_admin).status_code == 200
    assert refused(sign_in_help(admin, superuser))
    admin.force_login(UserFactory(username="root", is_superuser=True))
    assert sign_in_help(admin, superuser).status_code == 200


# 5. Throttle and lockout of the API sign-in


def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(unit_tree, settings):
    """issue 13 #5: each guess with a new X-Forwarded-For counted as a new address."""
    member(unit_tree.branch, "dang-vien")
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        sign_in(guesser, f"nguoi-{n}", "doan-sai", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}").status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    assert sign_in(Client(REMOTE_ADDR="198.51.100.8"), "dang-vien").status_code == 201

    # Behind one trusted proxy, only the entry it wrote counts: what the client
    # put in front of it is ignored.
    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    statuses = [
        sign_in(
            proxy, f"nguoi-{n}", "doan-sai", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}, 203.0.113.5"
        ).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    other = sign_in(proxy, "dang-vien", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 201


def test_a_stranger_cannot_lock_a_member_out(unit_tree):
    """issue 13 #5: five wrong passwords from anywhere made the right one answer 429."""
    member(unit_tree.branch, "dang-vien")
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    answers = [sign_in(stranger, "dang-vien", "doan-sai").json()["code"] for _ in range(5)]
    assert answers == ["invalid_credentials"] * 4 + ["locked_out"]

    # The stranger's address is locked out for that username, even with the
    # right password, and told when to come back.
    locked = sign_in(stranger, "dang-vien", HTTP_ACCEPT_LANGUAGE="en")
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
    assert 0 < int(locked["Retry-After"]) <= 60
    assert "minute" in locked.json()["message"]
    # Wrong codes count the same way.
    code = stranger.post(
        TOKEN_URL, {"username": "dang-vien", "code": "12345678"}, content_type="application/json"
    )
    assert (code.status_code, code.json()["code"]) == (429, "locked_out")

    # The member, from their own address, is not.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.10"), "dang-vien").status_code == 201


def test_the_lockout_wait_doubles_with_each_further_failure(unit_tree):
    """issue 13 #5: backoff. Five failures: a minute; one more: two minutes."""
    member(unit_tree.branch, "dang-vien")
    guesser = Client(REMOTE_ADDR="203.0.113.66")

    def rewind(seconds):
        earlier = timezone.now() - datetime.timedelta(seconds=seconds)
        AccessAttempt.objects.filter(username="dang-vien").update(attempt_time=earlier)
        cache.clear()  # the per-address throttle is not what this test is about

    for _ in range(5):
        sign_in(guesser, "dang-vien", "doan-sai")
    rewind(61)
    assert sign_in(guesser, "dang-vien", "doan-sai").json()["code"] == "locked_out"  # 6th
    rewind(61)
    assert sign_in(guesser, "dang-vien").json()["code"] == "locked_out"  # waits 2 minutes
    rewind(121)
    assert sign_in(guesser, "dang-vien").status_code == 201
    # Success clears the failures: the next mistake is only a mistake.
    assert sign_in(guesser, "dang-vien", "doan-sai").json()["code"] == "invalid_credentials"


# 6. The admin's sign-in page


def test_the_admin_sign_in_page_locks_out_guessing_and_an_administrator_unlocks(db):
    """issue 13 #6: thirty wrong passwords on /admin/login/, then the right one, signed in."""
    editor = UserFactory(username="bien-tap-vien", is_superuser=True)
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    form = {"username": editor.username, "password": "doan-sai"}
    answers = [guesser.post("/admin/login/", form).status_code for _ in range(5)]
    assert answers == [200] * 4 + [429]
    locked = guesser.post("/admin/login/", {**form, "password": PASSWORD})
    assert locked.status_code == 429
    assert b"data-lockout" in locked.content
    assert "_auth_user_id" not in guesser.session

    # Not from another address.
    elsewhere = Client(REMOTE_ADDR="192.0.2.10")
    assert elsewhere.post("/admin/login/", {**form, "password": PASSWORD}).status_code == 302

    # Platform administrators see the lockout and lift it; nobody else may.
    outsider, editor_only = Client(), UserFactory(username="nguoi-ngoai")
    editor_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    outsider.force_login(editor_only)
    assert outsider.get("/admin/").status_code == 200
    assert refused(outsider.get("/admin/sign-in-lockouts/"))
    assert refused(outsider.post("/admin/sign-in-lockouts/", {"username": editor.username}))
    assert AccessAttempt.objects.filter(username=editor.username).exists()
    listing = elsewhere.get("/admin/sign-in-lockouts/")
    assert f'data-lockout="{editor.username}"'.encode() in listing.content
    elsewhere.post("/admin/sign-in-lockouts/", {"username": editor.username})
    assert not AccessAttempt.objects.filter(username=editor.username).exists()
    assert ModelLogEntry.objects.filter(action="api.sign_in.unlocked").exists()
    assert guesser.post("/admin/login/", {**form, "password": PASSWORD}).status_code == 302


# 10. What a refused sign-in reveals


def test_a_refused_sign_in_tells_nothing_about_the_account(unit_tree):
    """issue 13 #10: known users took twice the time of unknown ones (a second
    hash), and an inactive member's right password answered 403, not 400."""
    member(unit_tree.branch, "dang-vien")
    member(unit_tree.branch, "da-khai-tru", MemberStatus.EXPELLED)
    attempts = {
        "unknown user": ("khong-ai-ca", PASSWORD),
        "wrong password": ("dang-vien", "doan-sai"),
        "inactive member, right password": ("da-khai-tru", PASSWORD),
        "right password": ("dang-vien", PASSWORD),
    }
    answers, hashes = {}, {}
    for n, (case, (username, password)) in enumerate(attempts.items()):
        with mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
        ) as encode:
            response = sign_in(Client(REMOTE_ADDR=f"192.0.2.{n}"), username, password)
        answers[case] = (response.status_code, response.content)
        hashes[case] = encode.call_count
    assert hashes == dict.fromkeys(attempts, 1)
    refusals = {answers[case] for case in list(attempts)[:3]}
    assert len(refusals) == 1 and answers["unknown user"][0] == 400
    assert answers["right password"][0] == 201


# 11. Reader tokens


def test_a_password_change_by_any_path_signs_the_apps_out(unit_tree):
    """issue 13 #11: tokens survived a password reset."""
    user = member(unit_tree.branch, "dang-vien")
    client = Client()
    saved, imported = bearer(user), bearer(user)
    assert client.get("/api/auth/me/", **saved).status_code == 200

    user.set_password("Mat-khau-moi-2025")
    user.save()
    answer = client.get("/api/auth/me/", **saved)
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")

    # An import writes the hash with an UPDATE, no model signal: still void.
    imported = bearer(user)
    get_user_model().objects.filter(pk=user.pk).update(password=make_password("Nhap-tu-file"))
    answer = client.get("/api/auth/me/", **imported)
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")

    fresh = sign_in(client, "dang-vien", "Nhap-tu-file").json()["token"]
    assert client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200


def test_a_status_change_revokes_tokens_and_codes_for_good(unit_tree):
    """issue 13 #11: a member struck off and reinstated got their old tokens back."""
    user = member(unit_tree.branch, "dang-vien")
    headers = bearer(user)
    SignInCode.objects.create(
        user=user, digest="x" * 64, expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    user.member.status = MemberStatus.STRUCK_OFF
    user.member.save()
    user.member.status = MemberStatus.OFFICIAL
    user.member.save()
    answer = Client().get("/api/auth/me/", **headers)
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")
    assert not ReaderToken.objects.filter(user=user).exists()
    assert not SignInCode.objects.filter(user=user).exists()


def test_a_status_change_by_import_revokes_tokens_for_good(unit_tree, tmp_path):
    """issue 13 #11: a status change written by the bulk import (an UPDATE that
    sends no signal), then the member reinstated, left the old token working."""
    user = member(unit_tree.branch, "dang-vien")
    headers = bearer(user)
    header = "username,full_name,branch_code,card_number,status,phone,email\n"
    row = "dang-vien,Nguyễn Văn A,{branch},,{status},,\n"
    for status in (MemberStatus.STRUCK_OFF, MemberStatus.OFFICIAL):
        members = tmp_path / f"{status}.csv"
        members.write_text(header + row.format(branch=unit_tree.branch.code, status=status))
        call_command("import_members", str(members), "--no-progress", stdout=io.StringIO())
    user.member.refresh_from_db()
    assert user.member.status == MemberStatus.OFFICIAL

    answer = Client().get("/api/auth/me/", **headers)
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")
    assert Client().get("/api/auth/me/", **bearer(user)).status_code == 200


def test_tokens_expire_after_an_idle_time_that_each_use_pushes_back(unit_tree, settings):
    """issue 13 #11: tokens never expired."""
    settings.API_TOKEN_IDLE_DAYS = 90
    user = member(unit_tree.branch, "dang-vien")
    today = timezone.localdate()
    idle, recent = bearer(user), bearer(user)
    tokens = ReaderToken.objects.filter(user=user).order_by("pk")
    tokens.filter(pk=tokens[0].pk).update(last_used_on=today - datetime.timedelta(days=91))
    tokens.filter(pk=tokens[1].pk).update(last_used_on=today - datetime.timedelta(days=89))

    expired = Client().get("/api/auth/me/", HTTP_ACCEPT_LANGUAGE="en", **idle)
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
    assert "sign in again" in expired.json()["message"]
    assert Client().get("/api/auth/me/", **recent).status_code == 200
    assert tokens[1].last_used_on == today  # sliding: used today, 90 more days
