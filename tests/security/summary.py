"""The attack suite's one line in pytest's summary: canaries planted, surfaces and requests crawled,
leaks found, and confidential values found in plain text at rest; and the fault suite's line.

Each test of the suite hands its counts over in its report's `user_properties`, which
pytest-xdist carries from the workers to the process that writes the summary. That process loads
this plugin only if it is named at start-up (`-p tests.security.summary`, or `pytest_plugins` in
tests/conftest.py); otherwise tests/security/conftest.py registers it when the suite is collected,
which is enough without xdist or when tests/security is named on the command line.
"""

PROPERTY = "security suite"
# The fault suite (tests/faults) hands over its whole line the same way.
FAULT_PROPERTY = "fault suite"
_fault_lines: list[str] = []
_totals = {"tests": 0, "canaries": 0, "surfaces": 0, "requests": 0, "leaks": 0, "at rest": 0}


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, counts in report.user_properties:
        if name == FAULT_PROPERTY:
            _fault_lines.append(counts)
        if name != PROPERTY:
            continue
        _totals["tests"] += 1
        _totals["canaries"] = max(_totals["canaries"], counts.get("canaries", 0))
        for key in ("surfaces", "requests", "leaks", "at rest"):
            _totals[key] += counts.get(key, 0)


def summary_line(totals) -> str:
    return (
        f"canaries: {totals['canaries']}, surfaces: {totals['surfaces']}, requests: {totals['requests']}, "
        f"leaks: {totals['leaks']}, at rest: {totals['at rest']}"
    )


def pytest_terminal_summary(terminalreporter):
    if _totals["tests"]:
        terminalreporter.write_sep("-", "attack suite (tests/security)")
        terminalreporter.write_line(summary_line(_totals))
    for line in _fault_lines:
        terminalreporter.write_sep("-", "fault suite (tests/faults)")
        terminalreporter.write_line(line)
