"""axe-core in the browser tests: run it on an open page and keep what blocks a user."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page) -> list[dict]:
    """Serious and critical violations, each with its rule, impact and the elements it names."""
    results = Axe().run(page)
    assert results.response["passes"], "axe-core checked nothing: was it injected into the page?"
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
            "html": [node["html"][:200] for node in violation["nodes"]],
        }
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
