"""Sign-in: argon2 hashes, throttled failures, password reset, TOTP."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-42"


def test_passwords_use_argon2_in_production_settings() -> None:
    from django.contrib.auth.hashers import make_password

    from evidencehub.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("x" * 12).startswith("argon2$")


def test_sign_in_with_the_form(cast: Any, client: Any) -> None:
    response = client.post(
        "/account/login/", {"username": "admin-a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/o/org-a/").status_code == 200


def test_repeated_failures_lock_the_account(cast: Any, client: Any) -> None:
    for _ in range(5):
        client.post(
            "/account/login/", {"username": "viewer-a@example.org", "password": "nope"}
        )
    locked = client.post(
        "/account/login/", {"username": "viewer-a@example.org", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    # Another account is not affected.
    other = client.post(
        "/account/login/", {"username": "staff-a@example.org", "password": PASSWORD}
    )
    assert other.status_code == 302


def test_password_reset_sends_a_working_link(cast: Any, client: Any) -> None:
    client.post("/account/password/reset/", {"email": "viewer-a@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body
    )
    assert link is not None
    form = client.get(link.group(1), follow=True)
    new = "another-long-password-77"
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    cast.viewer_a.refresh_from_db()
    assert cast.viewer_a.check_password(new)


def test_unknown_addresses_get_the_same_answer_and_no_mail(
    client: Any, db: Any
) -> None:
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def _code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:06d}"


def test_totp_setup_then_every_sign_in_asks_for_a_code(cast: Any, client: Any) -> None:
    client.post(
        "/account/login/", {"username": "analyst-a@example.org", "password": PASSWORD}
    )
    page = client.get("/account/2fa/setup/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=cast.analyst_a)
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert (
        b"did not match" in client.post("/account/2fa/setup/", {"code": wrong}).content
    )
    # django-otp slows down guessing after a failure; a person retries later.
    with time_machine.travel(time.time() + 40, tick=False):
        device.refresh_from_db()
        client.post("/account/2fa/setup/", {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    client.post("/account/logout/")
    client.post(
        "/account/login/", {"username": "analyst-a@example.org", "password": PASSWORD}
    )
    blocked = client.get("/o/org-a/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/account/2fa/verify/")
    # A code is accepted once; the next time step brings a new one.
    with time_machine.travel(time.time() + 120, tick=False):
        device.refresh_from_db()
        client.post("/account/2fa/verify/?next=/o/org-a/", {"code": _code(device)})
        assert client.get("/o/org-a/").status_code == 200


@override_settings(REQUIRE_2FA_FOR_ADMINS=True)
def test_admins_must_set_up_two_factor_when_required(cast: Any, client: Any) -> None:
    client.post(
        "/account/login/", {"username": "admin-a@example.org", "password": PASSWORD}
    )
    response = client.get("/o/org-a/")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/setup/"


@override_settings(REQUIRE_2FA_FOR_ADMINS=True)
def test_non_admins_are_not_forced(cast: Any, client: Any) -> None:
    client.post(
        "/account/login/", {"username": "viewer-a@example.org", "password": PASSWORD}
    )
    assert client.get("/o/org-a/").status_code == 200


def test_api_token_authentication(cast: Any, client: Any) -> None:
    from rest_framework.test import APIClient

    response = client.post(
        "/api/v1/token/", {"username": "viewer-a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/initiatives/helpline-a/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/initiatives/helpline-a/").status_code == 401


def test_new_members_get_a_link_to_choose_a_password(cast: Any, api_for: Any) -> None:
    api_for(cast.admin_a).post(
        "/api/v1/organisations/org-a/memberships/",
        {"email": "invited@example.org", "role": "staff"},
        format="json",
    )
    assert len(mail.outbox) == 1
    assert "Org A" in mail.outbox[0].subject
    link = re.search(
        r"https?://[^/]+(/account/password/reset/\S+/)", mail.outbox[0].body
    )
    assert link is not None


def test_invited_people_can_also_ask_for_a_new_link(cast: Any, client: Any) -> None:
    from evidencehub.apps.accounts.services import user_create

    user_create(email="invited@example.org", password=None)
    client.post("/account/password/reset/", {"email": "Invited@example.org"})
    assert len(mail.outbox) == 1


def test_api_token_needs_the_code_when_two_factor_is_on(cast: Any, client: Any) -> None:
    device = TOTPDevice.objects.create(user=cast.viewer_a, name="app", confirmed=True)
    credentials = {"username": "viewer-a@example.org", "password": PASSWORD}
    missing = client.post("/api/v1/token/", credentials)
    assert missing.status_code == 400
    assert "code" in missing.json()
    good = client.post("/api/v1/token/", {**credentials, "code": _code(device)})
    assert good.status_code == 200
    assert "token" in good.json()


@override_settings(REQUIRE_2FA_FOR_ADMINS=True)
def test_admins_without_two_factor_get_no_token_when_required(
    cast: Any, client: Any
) -> None:
    response = client.post(
        "/api/v1/token/", {"username": "admin-a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_api_token_rejects_wrong_passwords_and_unknown_fields(
    cast: Any, client: Any
) -> None:
    wrong = client.post(
        "/api/v1/token/", {"username": "viewer-a@example.org", "password": "x"}
    )
    assert wrong.status_code == 400
    extra = client.post(
        "/api/v1/token/",
        {"username": "viewer-a@example.org", "password": PASSWORD, "ip": "1.2.3.4"},
    )
    assert extra.status_code == 400
    assert "ip" in extra.json()
