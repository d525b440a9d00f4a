"""/readyz says which parts of the stack are down: only operators may ask."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_readyz_is_404_from_a_public_address(client):
    assert client.get("/readyz", REMOTE_ADDR="203.0.113.5").status_code == 404


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_a_forged_forwarded_header_does_not_pass_for_an_operator(client):
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1, SEARCH_ENGINE_URL=None)
def test_behind_the_proxy_the_real_client_address_decides(client):
    # nginx on loopback forwards both: the public caller is refused, the
    # operator's private address is answered.
    public = client.get("/readyz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert public.status_code == 404
    operator = client.get("/readyz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert operator.status_code == 200


def test_healthz_reveals_nothing_but_that_the_process_answers(client):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 200
    assert response.content == b"ok"
