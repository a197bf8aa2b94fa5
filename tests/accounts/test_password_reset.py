"""Password reset by e-mail, end to end, through Django's views and our templates."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def reset_link(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response["Location"] == reverse("password_reset_done")
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


def test_login_page_links_to_the_reset(client):
    content = client.get(reverse("login")).content.decode()
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in content


def test_the_whole_reset_flow(client, owner, password):
    page = client.get(reverse("password_reset")).content.decode()
    assert '<h1 class="h3 mb-3">Reset your password</h1>' in page
    assert 'Email<span class="asteriskField">*</span> </label> <input type="email"' in page
    link = reset_link(client, "owner@example.org")
    [email] = mail.outbox
    assert (email.to, email.subject) == (
        ["owner@example.org"],
        "Set a new password for Microcred Planner",
    )
    assert email.body.startswith(
        "Someone (we hope you) asked to set a new password for your Microcred Planner "
        "account, owner.\n\nSet a new password here:\nhttp://testserver/accounts/password/reset/"
    )
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account has the address you entered, we sent it a link" in done
    # Django swaps the token in the link for one kept in the session, then asks.
    form_url = client.get(link)["Location"]
    assert form_url.endswith("/set-password/")
    page = client.get(form_url).content.decode()
    assert "Set a new password</h1>" in page
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")
    complete = unescape(client.get(response["Location"]).content.decode())
    assert (
        "Your new password is in effect, and a lockout of your username after wrong passwords "
        "is lifted." in complete
    )
    assert log_in(client, "owner", password).status_code == 200  # the old one is refused
    assert log_in(client, "owner", NEW_PASSWORD)["Location"] == reverse("home")
    # The link worked once.
    assert "This link does not work any more" in client.get(link, follow=True).content.decode()


def test_a_weak_new_password_is_refused(client, owner):
    form_url = client.get(reset_link(client, "owner@example.org"))["Location"]
    response = client.post(form_url, {"new_password1": "owner123", "new_password2": "owner123"})
    assert response.context["form"].errors == {
        "new_password2": ["The password is too similar to the username."]
    }


def test_an_unknown_address_is_told_the_same_and_sent_nothing(client, owner):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_forged_link_says_it_does_not_work(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "forged-token"})
    content = client.get(url).content.decode()
    assert "This link does not work any more</h1>" in content
    assert '<a href="/accounts/password/reset/">Ask for a new link</a>' in content
