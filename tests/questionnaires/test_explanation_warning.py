"""A yes or no whose question needs its explanation: the phase page carries the warning
that app.js shows while a choice waits for its explanation, tied to the explanation box."""

import lxml.html
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WARNING = (
    "Not saved yet: this question needs an explanation as well as Yes or No. Write it in "
    "“Explanation (required)” below; your answer saves with it."
)

WARNINGS = '//div[contains(concat(" ", @class, " "), " explanation-warning ")]'


def delivery_page(client, plan, user):
    client.force_login(user)
    response = client.get(reverse("plans:phase", args=[plan.pk, "delivery"]))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_a_required_explanation_is_described_by_a_warning_hidden_until_needed(client, plan, owner):
    page = delivery_page(client, plan, owner)
    [warning] = page.xpath(f'//div[@id="q-assessment_proctoring"]{WARNINGS}')
    assert warning.get("id") == "id_assessment_proctoring__explanation_warning"
    assert warning.get("role") == "alert"
    assert "alert-warning" in warning.get("class").split()
    assert warning.get("hidden") is not None
    assert warning.text_content() == ""  # empty until shown: nothing to announce or describe
    assert warning.get("data-warning") == WARNING
    [explanation] = page.xpath('//textarea[@name="assessment_proctoring__explanation"]')
    assert explanation.get("aria-describedby") == "id_assessment_proctoring__explanation_warning"


def test_an_optional_explanation_and_a_read_only_page_have_no_warning(client, plan, owner, viewer):
    page = delivery_page(client, plan, owner)
    assert len(page.xpath(WARNINGS)) == 1
    optional = page.xpath(
        '//textarea[contains(@name, "__explanation") and not(@data-explanation-required)]'
    )
    assert optional, "the delivery phase has a yes or no with an optional explanation"
    assert all(not box.get("aria-describedby") for box in optional)
    read_only = delivery_page(client, plan, viewer)
    assert not read_only.xpath(WARNINGS)
