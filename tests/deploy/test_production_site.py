"""The image as docker-compose runs it, on this machine: its static files collected by
deploy/build.sh, an empty database migrated by `deploy/start.sh release`, and gunicorn
started by `deploy/start.sh web`, all with the production settings (DEBUG off). Every
kind of page loads: the login page, a manager's plans, a plan's dashboard and each phase
page, a missing page's 404, and the static files they link, under their hashed names."""

import re
import sys

import pytest
import yaml
from django.conf import settings

from microcred.demo.services import demo_password
from tests.deploy.processes import (
    Browser,
    WebProcess,
    finish,
    production_env,
    scratch_database,
    start,
    start_script,
)
from tests.factories import PHASE_TITLES

pytestmark = pytest.mark.deploy

STATIC_LINK = re.compile(r'(?:src|href)="(/static/[^"]+)"')
# What the manifest storage names a file: its content's hash before the extension.
HASHED_NAME = re.compile(r"^/static/[\w/.-]+\.[0-9a-f]{12}\.\w+$")
# WhiteNoise's answer for a file whose name changes with its content.
FOREVER = "max-age=315360000, public, immutable"


@pytest.fixture
def site(tmp_path):
    """The site as the image serves it, with the demo users and plan (`make run`'s)."""
    log, build_log = tmp_path / "site.log", tmp_path / "build.log"
    with scratch_database(settings.DATABASES["default"], tmp_path) as database_url:
        env = production_env(
            DATABASE_URL=database_url, STATIC_ROOT=str(tmp_path / "static"), WEB_CONCURRENCY="2"
        )
        # The build and the release need nothing of each other: side by side.
        build = start_script("build.sh", env=env, log=build_log)
        finish(start_script("start.sh", "release", env=env, log=log), log)
        finish(start([sys.executable, "manage.py", "load_demo"], env=env, log=log), log)
        finish(build, build_log)
        web = WebProcess(env, log)
        yield web
        web.stop()


def page_ok(response, title: str) -> str:
    assert response.status == 200, response.failure()
    assert f"<title>{title} · Microcred Planner</title>" in response.text
    return response.text


def check_static_files(browser, page: str) -> set[str]:
    """Every static file `page` links is named by its hash and served to be kept forever."""
    links = set(STATIC_LINK.findall(page))
    assert links
    for link in links:
        assert HASHED_NAME.match(link), link
        response = browser.get(link)
        assert response.status == 200, response.failure()
        assert response.headers["Cache-Control"] == FOREVER, link
        assert response.body, link
    return links


def sign_in(browser, username: str) -> str:
    page = page_ok(browser.get("/accounts/login/"), "Log in")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    return page_ok(
        browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": demo_password(username),
                "next": "",
            },
        ),
        "My plans",
    )


def manager_pages(browser) -> list[str]:
    """The pages a manager opens first: their plans, a plan's dashboard, each phase."""
    plans = sign_in(browser, "manager")
    plan_path = re.search(r'href="(/plans/\d+/)">Data Privacy Fundamentals</a>', plans)[1]
    dashboard = page_ok(browser.get(plan_path), "Data Privacy Fundamentals")
    phase_paths = list(dict.fromkeys(re.findall(rf'href="({plan_path}phases/[\w-]+/)"', dashboard)))
    assert len(phase_paths) == len(PHASE_TITLES)
    return [
        plans,
        dashboard,
        *(
            page_ok(browser.get(path), f"{title} · Data Privacy Fundamentals")
            for path, title in zip(phase_paths, PHASE_TITLES, strict=True)
        ),
    ]


# One test, as the site takes a minute to set up (pytest-xdist would set it up again in
# each process that runs a test of this module).
def test_every_kind_of_page_loads_with_its_static_files(site):
    browser = Browser(site.base_url, server_log=site.log)
    login = page_ok(browser.get("/accounts/login/"), "Log in")
    assert re.search(r'href="/static/favicon\.[0-9a-f]{12}\.svg"', login)

    missing = browser.get("/no-such-page/")
    assert missing.status == 404, missing.failure()
    assert '<h1 class="h3">Page not found</h1>' in missing.text

    check_static_files(browser, "".join([login, missing.text, *manager_pages(browser)]))


def test_the_image_builds_and_starts_through_the_scripts_tested_here():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "deploy/build.sh" in dockerfile
    assert "collectstatic" not in dockerfile
    assert 'CMD ["deploy/start.sh", "web"]' in dockerfile
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    images = {name: service for name, service in compose["services"].items() if "build" in service}
    assert {name: service["command"] for name, service in images.items()} == {
        "web": 'sh -c "deploy/start.sh release && exec deploy/start.sh web"',
        "worker": "deploy/start.sh worker",
        "beat": "deploy/start.sh beat",
    }
    assert {service["environment"]["DEBUG"] for service in images.values()} == {"false"}
