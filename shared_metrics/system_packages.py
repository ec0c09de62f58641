"""The system packages some targets need, installed when missing (Debian/Ubuntu, as root), else named.

python3 -m shared_metrics.system_packages chromium fonts postgresql java

Runs with the system Python before the virtualenv exists: standard library only.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

# Where Debian's fonts-dejavu-core puts DejaVu Sans, the weekly pack's PDF font (report/pdf.py).
DEJAVU_FOLDER = "/usr/share/fonts/truetype/dejavu"
DEJAVU_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class SystemPackage:
    name: str
    apt_package: str
    why: str
    is_installed: Callable[[], bool]


PACKAGES = {
    package.name: package
    for package in (
        SystemPackage(
            "chromium",
            "chromium",
            "the dashboard's browser test drives Debian's Chromium (Playwright never downloads one here)",
            lambda: shutil.which("chromium") is not None,
        ),
        SystemPackage(
            "fonts",
            "fonts-dejavu-core",
            "the weekly alignment pack's PDF is set in DejaVu Sans (a Unicode font)",
            lambda: all(os.path.isfile(os.path.join(DEJAVU_FOLDER, name)) for name in DEJAVU_FILES.values()),
        ),
        SystemPackage(
            "postgresql",
            "postgresql",
            "the engine comparison starts a throw-away local PostgreSQL server",
            lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None,
        ),
        SystemPackage(
            "java",
            "openjdk-17-jre-headless",
            "the engine comparison starts a local Spark Thrift server, which runs on Java 17 or newer",
            lambda: shutil.which("java") is not None,
        ),
    )
}


def ensure(names: list[str]) -> int:
    """Install each missing package with apt (root only); returns 0 when all are there, else 1."""
    missing = [PACKAGES[name] for name in names if not PACKAGES[name].is_installed()]
    if not missing:
        return 0
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    if not can_install:
        for package in missing:
            print(
                f"Missing system package {package.apt_package}: {package.why}. "
                f"Install it (e.g. `sudo apt-get install {package.apt_package}`) and run the command again.",
                file=sys.stderr,
            )
        return 1
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment, stdout=subprocess.DEVNULL)
    for package in missing:
        print(f"Installing {package.apt_package}: {package.why}.", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", package.apt_package],
            check=True,
            env=environment,
            stdout=subprocess.DEVNULL,
        )
    still_missing = [package.apt_package for package in missing if not package.is_installed()]
    if still_missing:
        print(f"Installed but still not found: {', '.join(still_missing)}.", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> None:
    names = sys.argv[1:] if argv is None else argv
    unknown = [name for name in names if name not in PACKAGES]
    if unknown:
        raise SystemExit(f"Unknown system package(s) {', '.join(unknown)}; known: {', '.join(PACKAGES)}.")
    raise SystemExit(ensure(names or list(PACKAGES)))


if __name__ == "__main__":
    main()
