"""The code follows the project's lint rules (ruff; rules in pyproject.toml)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

#: Not read as text.
BINARY = {".png", ".jpg", ".woff", ".woff2", ".ico", ".jar", ".pdf", ".rda"}


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


#: How a file outside the repository is named: the team's shared folder beside it, or an
#: absolute path on a developer's machine. A reader's clone has neither.
OUTSIDE = re.compile(r"\.\./shared\b|(?<![\w.])/(?:work|home|root|tmp)/[\w.-]+/")


def outside_references(text: str) -> list[str]:
    return [match.group(0) for match in OUTSIDE.finditer(text)]


def test_the_check_finds_references_outside_the_repository():
    assert outside_references("see ../shared/design.md") == ["../shared"]
    assert outside_references("built in /work/main/_build") == ["/work/main/"]
    assert outside_references("the site's /chapters/page.html and ../assets/x.css") == []


def test_nothing_in_the_repository_refers_to_a_file_outside_it():
    files = subprocess.run(["git", "ls-files", "-z"], capture_output=True, text=True,
                           cwd=ROOT, check=True).stdout.split("\0")
    found = []
    for name in filter(None, files):
        path = ROOT / name
        if path == Path(__file__) or not path.is_file() or path.suffix in BINARY:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {reference}" for reference in outside_references(text)]
    assert found == []
