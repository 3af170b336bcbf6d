"""axe-core in the browser tests: inject the pinned build into a page, scan it, explain failures.

axe-core comes from the npm registry, pinned in tests/browser/package.json and its lockfile
(`npm ci` in tests/browser, which `.ci/run` does). The app's Content-Security-Policy allows no
injected script, so a page to scan must come from a context made with `bypass_csp=True`
(`new_scan_context`); the policy itself is tested elsewhere.
"""

from functools import cache
from pathlib import Path

from .conftest import fail_or_skip

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the bar issue 12 sets.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        fail_or_skip(f"axe-core is not installed at {AXE_JS}: run `npm ci` in tests/browser")
    return AXE_JS.read_text()


def new_scan_context(browser, base_url: str, *, width: int, scheme: str, **options):
    """A browser context that lets axe-core in, at a viewport width and colour scheme."""
    phone = width < 600
    return browser.new_context(
        base_url=base_url,
        bypass_csp=True,
        viewport={"width": width, "height": 844 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
        color_scheme=scheme,
        **options,
    )


def scan(page) -> list[dict]:
    """Run axe-core over the whole page with the WCAG 2.x A/AA rules; return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """async tags => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "), html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_TAGS,
    )
    return result


def describe(violations: list[dict]) -> str:
    """The violations as a person reads them: rule, why, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {node['target']}")
            lines.append(f"      {node['html'][:300]}")
            for reason in (node["summary"] or "").splitlines():
                lines.append(f"      {reason}")
    return "\n".join(lines)


def assert_no_violations(page, where: str) -> None:
    violations = scan(page)
    assert not violations, f"axe-core found violations on {where}:\n{describe(violations)}"
