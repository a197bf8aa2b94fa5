"""Every page a member opens renders whole: no template syntax leaks into the HTML."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_no_page_shows_raw_template_syntax(client, plan, owner):
    urls = [
        reverse("plans:list"),
        reverse("plans:create"),
        plan.get_absolute_url(),
        reverse("reports:list", kwargs={"plan_id": plan.pk}),
        reverse("reports:preview", kwargs={"plan_id": plan.pk}),
        reverse("password_change"),
        *(
            reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": phase.slug})
            for phase in plan.template_version.phases.all()
        ),
    ]
    client.force_login(owner)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for syntax in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert syntax not in content, f"{syntax} on {url}"
