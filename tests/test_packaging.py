"""The distribution in pyproject.toml ships what its two packages need.

``pip install .`` (or ``-e .``, as requirements.txt does) installs ``widgets``, what a
reader's kernel imports, and ``booktools``, the build's own tooling. These tests read
the packages' source with ``ast`` (no import, no network, no new environment) and check
that:

* every module a file imports, anywhere in the file (inside functions too), is the
  standard library's, the project's own, or comes from a distribution named in
  ``[project] dependencies``;
* the packages that setuptools is told to find are exactly the folders with an
  ``__init__.py``, and every ``package-data`` pattern matches a file, and every
  file in a package that is not Python is shipped by some pattern.

Installing into a fresh environment and importing every module is checked by hand
(it takes pip and minutes), not here.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGES = ("widgets", "booktools")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: 'PyYAML' and 'pyyaml' are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions(pyproject: dict) -> set[str]:
    """The distributions named in ``[project] dependencies`` (extras are not installed
    by a plain ``pip install .``, so they do not count)."""
    names = set()
    for requirement in pyproject["project"].get("dependencies", []):
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        assert match, f"unreadable requirement {requirement!r}"
        names.add(normalise(match.group(1)))
    return names


def imported_modules(source: str) -> set[str]:
    """Top-level names of every absolute import in ``source``, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def distributions_of(module: str, index: dict[str, list[str]]) -> set[str]:
    """The distributions that provide import name ``module`` in this environment
    (``yaml`` -> ``pyyaml``); the name itself if none is installed."""
    return {normalise(name) for name in index.get(module, [module])}


def undeclared_imports(files: dict[str, str], declared: set[str],
                       index: dict[str, list[str]]) -> list[str]:
    """'module: import name (distribution)' for each import nothing declares."""
    own = set(PACKAGES)
    problems = []
    for module, source in sorted(files.items()):
        for name in sorted(imported_modules(source)):
            if name in sys.stdlib_module_names or name in own:
                continue
            providers = distributions_of(name, index)
            if not providers & declared:
                problems.append(f"{module}: import {name} ({' or '.join(sorted(providers))}"
                                " is not in [project] dependencies)")
    return problems


def package_sources() -> dict[str, str]:
    files = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            files[module.removesuffix(".__init__")] = path.read_text(encoding="utf-8")
    return files


def package_folders() -> list[str]:
    return sorted(".".join(init.parent.relative_to(ROOT).parts)
                  for package in PACKAGES for init in (ROOT / package).rglob("__init__.py"))


def test_every_module_imports_only_what_the_distribution_declares():
    problems = undeclared_imports(package_sources(), declared_distributions(PYPROJECT),
                                  packages_distributions())
    assert not problems, "\n".join(problems)


def test_the_import_check_names_an_undeclared_import():
    """The check above can fail: a module importing what nothing declares is named."""
    files = {"widgets.fake": "import numpy\n\ndef later():\n    import yaml.constructor\n",
             "booktools.fake": "from . import sibling\nfrom widgets import models\nimport os\n"}
    index = {"numpy": ["numpy"], "yaml": ["PyYAML"]}
    assert undeclared_imports(files, {"numpy"}, index) == [
        "widgets.fake: import yaml (pyyaml is not in [project] dependencies)"]
    assert undeclared_imports(files, {"numpy", "pyyaml"}, index) == []


def test_the_readers_package_never_imports_the_build_tooling():
    """A reader's kernel needs widgets only: no widgets module imports booktools."""
    offenders = [module for module, source in package_sources().items()
                 if module.split(".")[0] == "widgets" and "booktools" in imported_modules(source)]
    assert not offenders


def test_both_packages_and_every_subpackage_are_found():
    """setuptools installs the folders that [tool.setuptools.packages.find] includes:
    every package folder must be included, and nothing else."""
    include = SETUPTOOLS["packages"]["find"]["include"]
    folders = package_folders()
    assert set(PACKAGES) <= set(folders)
    missed = [f for f in folders if not any(fnmatch.fnmatchcase(f, p) for p in include)]
    assert not missed, f"package folders that would not be installed: {missed}"
    for pattern in include:
        assert any(fnmatch.fnmatchcase(f, pattern) for f in folders), (
            f"packages.find include {pattern!r} matches no package")


@pytest.mark.parametrize("package", sorted(SETUPTOOLS.get("package-data", {})))
def test_every_package_data_pattern_matches_a_file(package):
    folder = ROOT.joinpath(*package.split("."))
    assert (folder / "__init__.py").exists(), f"package-data names {package}, not a package"
    for pattern in SETUPTOOLS["package-data"][package]:
        assert list(folder.glob(pattern)), f"{package}: package-data {pattern!r} matches nothing"


def test_every_data_file_in_a_package_is_shipped():
    """A file a package reads (not .py) must be listed in package-data, or a plain
    ``pip install .`` leaves it behind."""
    data = SETUPTOOLS.get("package-data", {})
    missing = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if (path.is_dir() or path.suffix in {".py", ".pyc"}
                    or "__pycache__" in path.parts):
                continue
            shipped = False
            for name, patterns in data.items():
                folder = ROOT.joinpath(*name.split("."))
                if folder in path.parents and any(
                        path in folder.glob(pattern) for pattern in patterns):
                    shipped = True
            if not shipped:
                missing.append(path.relative_to(ROOT).as_posix())
    assert not missing, f"files no package-data pattern ships: {missing}"
