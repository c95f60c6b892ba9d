"""Tests never skip in silence: a test that cannot run here (not root, no
debootstrap cache and no archive, a missing tool) fails with the reason,
unless LIFEBOAT_ALLOW_SKIP=1; then it is reported as skipped (make boot and
make check run pytest with -rs, which prints every skip's reason)."""
import os

import pytest

ALLOW_SKIP = os.environ.get("LIFEBOAT_ALLOW_SKIP") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if ALLOW_SKIP or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = "%s could not run: %s\n(LIFEBOAT_ALLOW_SKIP=1 lets it skip)" % (
        item.nodeid, reason.removeprefix("Skipped: "))
