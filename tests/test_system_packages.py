"""`make test` installs the system packages the tests drive, or names each one it cannot install."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared_metrics import system_packages

pytestmark = pytest.mark.check


def test_a_missing_package_without_root_is_named_with_why_and_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = replace(system_packages.PACKAGES["chromium"], is_installed=lambda: False)
    monkeypatch.setitem(system_packages.PACKAGES, "chromium", missing)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 1000)
    assert system_packages.ensure(["chromium"]) == 1
    message = capsys.readouterr().err
    assert "chromium" in message and "browser test" in message and "apt-get install chromium" in message


def test_nothing_is_installed_when_every_package_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, package in list(system_packages.PACKAGES.items()):
        monkeypatch.setitem(system_packages.PACKAGES, name, replace(package, is_installed=lambda: True))
    monkeypatch.setattr(system_packages.subprocess, "run", lambda *a, **k: pytest.fail("apt-get ran"))
    assert system_packages.ensure(list(system_packages.PACKAGES)) == 0


def test_the_tests_system_packages_are_what_make_test_and_make_engines_install() -> None:
    from shared_metrics.settings import PROJECT_DIR

    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert "system_packages chromium fonts\n" in makefile  # the browser test; the PDF pack's font
    assert "test: setup system-packages" in makefile
    # The engine checks (make engines, which CI runs after make test) install their own servers and JVM.
    assert "system_packages postgresql java" in makefile
