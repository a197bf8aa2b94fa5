"""The image as docker-compose runs it, on this machine: its static files collected by
deploy/build.sh, an empty database migrated by `deploy/start.sh release`, and gunicorn
started by `deploy/start.sh web`, all with the production settings (DEBUG off). Every
kind of page loads: the login page, a manager's plans, a plan's dashboard and each phase
page, a missing page's 404, and the static files they link, under their hashed names."""

import re
import subprocess
import sys

import pytest
from django.conf import settings

from microcred.demo.services import demo_password
from tests.deploy.processes import (
    Browser,
    WebProcess,
    finish,
    production_env,
    scratch_database,
    start_script,
)
from tests.factories import PHASE_TITLES

pytestmark = pytest.mark.deploy

STATIC_LINK = re.compile(r'(?:src|href)="(/static/[^"]+)"')
# What the manifest storage names a file: its content's hash before the extension.
HASHED_NAME = re.compile(r"^/static/[\w/.-]+\.[0-9a-f]{12}\.\w+$")
# WhiteNoise's answer for a file whose name changes with its content.
FOREVER = "max-age=315360000, public, immutable"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site as the image serves it, with the demo users and plan (`make run`'s)."""
    folder = tmp_path_factory.mktemp("site")
    log = folder / "site.log"
    with scratch_database(settings.DATABASES["default"], folder) as database_url:
        env = production_env(
            DATABASE_URL=database_url, STATIC_ROOT=str(folder / "static"), WEB_CONCURRENCY="2"
        )
        # The build and the release need nothing of each other: side by side.
        build = start_script("build.sh", env=env, log=folder / "build.log")
        release = start_script("start.sh", "release", env=env, log=log)
        finish(release, log)
        subprocess.run(  # noqa: S603  (our own command)
            [sys.executable, "manage.py", "load_demo"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        finish(build, folder / "build.log")
        web = WebProcess(env, log)
        yield web
        web.stop()


@pytest.fixture
def browser(site):
    return Browser(site.base_url, server_log=site.log)


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


def test_the_login_page_links_its_static_files_by_their_hashed_names(browser):
    page = page_ok(browser.get("/accounts/login/"), "Log in")
    links = check_static_files(browser, page)
    assert any(re.match(r"/static/favicon\.[0-9a-f]{12}\.svg$", link) for link in links)


def test_a_manager_opens_their_plans_a_dashboard_and_every_phase(browser):
    plans = sign_in(browser, "manager")
    plan_path = re.search(r'href="(/plans/\d+/)"', plans)[1]
    dashboard = page_ok(browser.get(plan_path), "Data Privacy Fundamentals")
    phase_paths = list(dict.fromkeys(re.findall(rf'href="({plan_path}phases/[\w-]+/)"', dashboard)))
    assert len(phase_paths) == len(PHASE_TITLES)
    pages = [plans, dashboard]
    for path, title in zip(phase_paths, PHASE_TITLES, strict=True):
        pages.append(page_ok(browser.get(path), f"{title} · Data Privacy Fundamentals"))
    check_static_files(browser, "".join(pages))


def test_a_missing_page_answers_404_in_the_site_layout(browser):
    response = browser.get("/no-such-page/")
    assert response.status == 404, response.failure()
    assert '<h1 class="h3">Page not found</h1>' in response.text
    check_static_files(browser, response.text)
