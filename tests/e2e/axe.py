"""axe-core, injected into the page under test, as an assertion."""

from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def assert_no_axe_violations(page):
    """Run axe-core on the page as it is now; fail listing each violation's rule, help
    text and the HTML of the elements at fault."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing ({AXE_SCRIPT}): run npm install", pytrace=False)
    # Evaluated through the DevTools protocol: an injected <script> tag would be refused
    # by the pages' Content-Security-Policy, as it should be.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = results["violations"]
    report = "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {node['html']}" for node in violation["nodes"])
        for violation in violations
    )
    assert not violations, f"axe-core: {len(violations)} violation(s) on {page.url}\n{report}"
