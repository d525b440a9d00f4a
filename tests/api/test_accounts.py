"""Token sign-in for reader apps, its throttle, sign-out, and the board
administrator's sign-in help for members who lost their password."""

import re

from django.test import Client

from api.models import ReaderToken
from editorial.models import BoardRole, MemberStatus

from .conftest import member

TOKEN_URL = "/api/auth/token/"


def sign_in(client, username, password="secret-pass-123", **extra):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


def test_sign_in_use_and_sign_out(client, unit_tree):
    user = member(unit_tree.branch, "nguyen-van-a")
    response = sign_in(client, "nguyen-van-a")
    assert response.status_code == 201
    token = response.json()["token"]
    assert response.json()["user"]["branch"]["code"] == "DT-X1-C1"
    assert not ReaderToken.objects.filter(digest=token).exists()  # stored hashed

    me = client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["username"] == user.username
    assert client.delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204
    revoked = client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (revoked.status_code, revoked.json()["code"]) == (401, "invalid_token")


def test_wrong_password_and_inactive_members_are_refused(client, unit_tree):
    """Refused alike: a wrong password, and the right one of a member who may no
    longer sign in (the answer must not tell that the password was right)."""
    member(unit_tree.branch, "nguoi-da-mat", MemberStatus.DECEASED)
    member(unit_tree.branch, "chuyen-di", MemberStatus.TRANSFERRED)
    member(unit_tree.branch, "dang-vien")
    wrong = sign_in(client, "dang-vien", "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_credentials")
    assert wrong.json()["message"] == "The username or password is wrong."
    for username in ("nguoi-da-mat", "chuyen-di"):
        refused = sign_in(client, username, HTTP_ACCEPT_LANGUAGE="en")
        assert (refused.status_code, refused.json()) == (400, wrong.json())
    missing = client.post(TOKEN_URL, {"username": "dang-vien"}, content_type="application/json")
    assert missing.status_code == 400 and "password" in missing.json()["fields"]


def test_sign_in_is_throttled_per_address(unit_tree):
    """Ten attempts a minute from one address (API_SIGN_IN_RATE), whatever the username."""
    member(unit_tree.branch, "bi-do-mat-khau")
    guesser = Client(REMOTE_ADDR="10.0.0.1")
    statuses = [sign_in(guesser, f"nguoi-{n}", "doan-sai").status_code for n in range(11)]
    assert statuses == [400] * 10 + [429]
    blocked = sign_in(guesser, "bi-do-mat-khau")
    assert (blocked.status_code, blocked.json()["code"]) == (429, "throttled")
    assert "Retry-After" in blocked
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), "bi-do-mat-khau").status_code == 201


def test_a_board_administrator_helps_a_member_sign_in(client, unit_tree, board_user):
    user = member(unit_tree.branch, "quen-mat-khau")
    ReaderToken.objects.issue(user)
    head = board_user(unit_tree.grassroots, BoardRole.APPROVER, "bi-thu")
    admin = Client()
    admin.force_login(head)
    url = f"/admin/members/{user.member.pk}/sign-in/"

    reset = admin.post(url, {"action": "password", "password": "Mat-khau-moi-2025"})
    assert reset.status_code == 200
    assert sign_in(client, "quen-mat-khau", "Mat-khau-moi-2025").status_code == 201
    assert ReaderToken.objects.filter(user=user).count() == 1  # the old app token was revoked

    page = admin.post(url, {"action": "code"}).content.decode()
    code = re.search(r"data-sign-in-code>(\d{8})<", page).group(1)
    body = {"username": "quen-mat-khau", "code": code}
    assert client.post(TOKEN_URL, body, content_type="application/json").status_code == 201
    reused = client.post(TOKEN_URL, body, content_type="application/json")
    assert (reused.status_code, reused.json()["code"]) == (400, "invalid_code")

    # A board of another district may not.
    other = Client()
    other.force_login(board_user(unit_tree.district_2, BoardRole.APPROVER, "bi-thu-khac"))
    assert other.post(url, {"action": "code"}).status_code in (302, 403)
