from wagtail.users.models import UserProfile

from editorial.factories import UserFactory


def test_admin_is_vietnamese_even_for_an_english_browser(db, client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    response = client.get("/admin/organisation/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Đơn vị" in response.content.decode()


def test_an_editor_may_choose_english_in_their_account(db, client):
    user = UserFactory(is_superuser=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    response = client.get("/admin/organisation/units/")
    assert "Units" in response.content.decode()
    assert "Đơn vị" not in response.content.decode()
