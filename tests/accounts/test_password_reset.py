"""Password reset by e-mail, end to end, through Django's views and our templates."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"
SITE = "https://plans.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def ask_for_reset(client, email, address="127.0.0.1", **headers):
    response = client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, **headers
    )
    assert response["Location"] == reverse("password_reset_done")


def reset_link(client, email):
    ask_for_reset(client, email)
    return re.search(r"https://plans\.example\.org(/\S+)", mail.outbox[-1].body).group(1)


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
        "account, owner.\n\nSet a new password here:\nhttps://plans.example.org/accounts/password/reset/"
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


def test_the_link_points_at_site_url_whatever_the_host_header(client, owner):
    """It took its host and any port from the request's Host header."""
    ask_for_reset(client, "owner@example.org", HTTP_HOST="testserver:8443")
    [email] = mail.outbox
    assert "\nhttps://plans.example.org/accounts/password/reset/" in email.body
    assert "testserver" not in email.body


def test_reset_emails_to_one_recipient_are_limited(client, owner):
    """20 requests sent 20 e-mails to one address; each request here comes from another
    address, so only the recipient's limit holds them back."""
    for n in range(1, 21):
        ask_for_reset(client, "owner@example.org", address=f"203.0.113.{n}")
    assert [email.to for email in mail.outbox] == [["owner@example.org"]] * 3
    # Any spelling of the address is the same recipient.
    ask_for_reset(client, "OWNER@Example.org", address="203.0.113.50")
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_address_are_limited(client):
    people = [UserFactory(username=f"person{n:02}") for n in range(12)]
    for person in people:
        ask_for_reset(client, person.email, address="203.0.113.7")
    assert [email.to for email in mail.outbox] == [[p.email] for p in people[:10]]
    # From elsewhere, the eleventh still gets the link.
    ask_for_reset(client, people[10].email, address="203.0.113.8")
    assert mail.outbox[-1].to == [people[10].email]


def test_a_limited_request_is_answered_as_any_other(client, owner):
    """Whether an account exists, or the limit was reached, must not show."""
    for _ in range(3):
        ask_for_reset(client, "owner@example.org")
    limited = client.post(reverse("password_reset"), {"email": "owner@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    done = [(reverse("password_reset_done"), 302)]
    assert limited.redirect_chain == unknown.redirect_chain == done
    # The pages are the same but for the CSRF token, masked anew for each.
    csrf_token = re.compile(rb'"X-CSRFToken": "\w+"')
    assert csrf_token.sub(b"", limited.content) == csrf_token.sub(b"", unknown.content)
    assert len(mail.outbox) == 3
