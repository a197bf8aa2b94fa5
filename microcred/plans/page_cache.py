"""Rendered page content kept between requests, for the pages people open far more often
than they change (a plan's phase pages).

A page's content is cached under a key made of everything it shows that can change: the
plan's `updated_at` (which every answer, row, status and version change stamps) and
`pages_changed_at` (comments and the like: plan_pages_changed), the viewer's standing on
the plan, today's date and the code that renders it. So a change never has to find and
delete cached pages: the next request asks for a new key, and the old content ages out
(PAGE_CACHE_SECONDS). A page that misses after a change can put itself together from
parts cached by what each shows instead (plan_part_keys; the phase page:
plans/views/phase_page.py).

What differs per request stays out of the cached content: the CSRF token (rendered as a
placeholder that no escaped text can hold, and put in on each response) and everything
base.html draws around the content (navigation, messages).
"""

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as default_cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from microcred.site_url.address import site_url

from .models import Plan
from .permissions import PlanAccess

# Rendered in place of the CSRF token, and replaced by the request's own on each response.
# Nothing a user writes can become it: their text is escaped wherever a page shows it, and
# escaped text never holds a "<". Being safe, it is written as it is where the token goes.
CSRF_PLACEHOLDER = mark_safe("<csrf-token-of-this-request>")  # noqa: S308 - our own constant


@cache
def code_version() -> str:
    """A digest of the project's code and templates, so that a deploy that changes how a
    page renders never serves content a previous release cached in a shared cache."""
    base = Path(settings.BASE_DIR)
    # The project's package (settings, URLs), its apps and the shared templates.
    directories = [base / "microcred", base / "templates"] + [
        Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(base)
    ]
    sources = {
        path
        for directory in directories
        for path in directory.rglob("*")
        if path.suffix in {".py", ".html", ".yaml"}
    }
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(sources):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    # Pages name static files by their hashed names: a new collectstatic, new pages.
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def plan_pages_changed(*, plan_id: int) -> None:
    """Something the plan's pages show besides its content changed (a comment, a link, a
    computation's progress): their cached copies are no longer current."""
    Plan.objects.filter(pk=plan_id).update(pages_changed_at=timezone.now())


def viewer_standing(access: PlanAccess) -> tuple:
    """What decides how a plan's pages show to this viewer: who they are (a thread's author
    may resolve it), their role and what the review rules know of them. With the plan's
    status (which locks its answers), in every key of a page or part of one."""
    facts = access.facts
    return (
        access.user_id,
        access.role,
        access.is_superuser,
        facts.is_committee_member,
        facts.has_written_in_plan,
    )


def plan_part_keys(access: PlanAccess) -> Callable[..., str]:
    """`key(name, *parts)`: the cache key of a page of a plan, or of one part of a page,
    as one viewer sees it today (`parts` say what it shows), for as many parts as a page
    has: what they share is hashed once. A part keyed by what it shows rather than by the
    plan's stamps is rendered again only when that changes."""
    plan = access.plan
    shared = (
        code_version(),
        plan.pk,
        plan.template_version_id,
        plan.status,
        *viewer_standing(access),
        timezone.localdate().isoformat(),
        site_url(),  # the calendar's absolute link; the request's address in development
    )
    digest = hashlib.blake2b(repr(shared).encode(), digest_size=16)

    def key(name: str, *parts) -> str:
        part_digest = digest.copy()
        part_digest.update(repr((name, *parts)).encode())
        return "page:" + part_digest.hexdigest()

    return key


def plan_part_key(name: str, access: PlanAccess, *parts) -> str:
    """The cache key of one page of a plan, or part of one (see plan_part_keys)."""
    return plan_part_keys(access)(name, *parts)


def plan_stamps(plan: Plan) -> tuple[str, str]:
    """What every change of a plan stamps: its content (`updated_at`: answers, rows,
    status, version) and what its pages show besides (`pages_changed_at`: comments, links,
    a computation's progress)."""
    changed = plan.pages_changed_at.isoformat() if plan.pages_changed_at else ""
    return plan.updated_at.isoformat(), changed


def plan_page_key(name: str, access: PlanAccess, *parts) -> str:
    """The cache key of one page of a plan as one viewer sees it, until the plan changes."""
    return plan_part_key(name, access, *plan_stamps(access.plan), *parts)


def fragment_key(name: str, *parts) -> str:
    """The cache key of a fragment that is the same for everyone who sees it."""
    key = (code_version(), name, *parts)
    return "fragment:" + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def cached_fragments(keys: dict, render: Callable[[list], dict]) -> dict:
    """Rendered fragments by the objects `keys` gives keys for: those cached in one read,
    the others from `render(objects)` (rendered text by object, in one go) and cached."""
    found = default_cache.get_many(keys.values())
    missing = [obj for obj, key in keys.items() if key not in found]
    if missing:
        rendered = {keys[obj]: text for obj, text in render(missing).items()}
        default_cache.set_many(rendered, settings.PAGE_CACHE_SECONDS)
        found.update(rendered)
    # Template output, escaped when it was rendered.
    return {obj: mark_safe(found[key]) for obj, key in keys.items()}  # noqa: S308


def cached_page_content(request, key: str, render: Callable[[], dict]) -> dict:
    """`render()`'s result (a dict of strings, e.g. the page's title and content) from the
    cache, or rendered and cached; with the request's CSRF token in place of
    CSRF_PLACEHOLDER in each string (render with `csrf_token` = CSRF_PLACEHOLDER)."""
    parts = default_cache.get(key)
    if parts is None:
        parts = render()
        default_cache.set(key, parts, settings.PAGE_CACHE_SECONDS)
    return with_csrf_token(request, parts)


def with_csrf_token(request, parts: dict) -> dict[str, SafeString]:
    """Rendered page parts with the request's CSRF token in place of the placeholder."""
    token = get_token(request)
    # Each part is template output, escaped when it was rendered.
    return {name: mark_safe(text.replace(CSRF_PLACEHOLDER, token)) for name, text in parts.items()}  # noqa: S308
