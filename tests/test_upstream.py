"""Upgrades fail loudly: the book's copies and patches of upstream files are checked.

``_ext/upstream.toml`` records the text each copy or patch was written against;
``_ext/every_reader.py`` fails a full build in which a markup fix or a named asset found
nothing to act on. These are the fast checks; the build runs the same ones.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys
from types import SimpleNamespace

import pytest
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript
from sphinx.errors import ExtensionError

from .conftest import ROOT


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


upstream = _load("upstream")
every_reader = _load("every_reader")


def test_every_upstream_file_is_as_recorded():
    assert upstream.problems(upstream.load()) == []


def test_every_template_the_book_overrides_is_recorded():
    recorded = {entry.ours for entry in upstream.load()}
    templates = {path.relative_to(ROOT).as_posix() for path in (ROOT / "_templates").rglob("*")
                 if path.is_file()}
    assert templates <= recorded
    assert all((ROOT / ours).is_file() for ours in recorded)


def test_a_changed_upstream_file_is_named_with_both_versions_and_the_command():
    entry = upstream.load()[0]
    changed = dataclasses.replace(entry, version="0.0.1", sha256="0" * 64)
    [problem] = upstream.problems([changed])
    assert entry.path in problem and entry.ours in problem
    assert "0.0.1 recorded" in problem
    assert f"{entry.installed_version()} installed" in problem
    assert "python _ext/upstream.py --rebaseline" in problem


def test_a_missing_package_or_file_is_named():
    entry = upstream.load()[0]
    gone = dataclasses.replace(entry, path=entry.path + ".gone")
    no_package = dataclasses.replace(entry, module="no_such_package_anywhere",
                                     distribution="no-such-package-anywhere")
    problems = upstream.problems([gone, no_package])
    assert "no such file" in problems[0] and "no-such-package-anywhere is not installed" \
        in problems[1]


def test_rebaseline_records_the_installed_texts(tmp_path):
    manifest = tmp_path / "upstream.toml"
    shutil.copy(upstream.MANIFEST, manifest)
    entries = upstream.load(manifest)
    stale = [dataclasses.replace(entries[0], version="0.0.1", sha256="0" * 64), *entries[1:]]
    manifest.write_text(upstream.dump(stale))
    assert len(upstream.problems(upstream.load(manifest))) == 1

    changes = upstream.rebaseline(manifest)
    assert changes == [f"{entries[0].module}/{entries[0].path}: 0.0.1 -> "
                       f"{entries[0].installed_version()}"]
    assert upstream.load(manifest) == entries


def test_the_build_stops_on_a_changed_upstream_file(monkeypatch):
    entry = upstream.load()[0]
    monkeypatch.setattr(upstream, "load", lambda: [dataclasses.replace(entry, sha256="0" * 64)])
    with pytest.raises(ExtensionError, match="--rebaseline"):
        upstream._check(None, None)


def _finish_build(pages: dict[str, str], found_docs, unregistered=()) -> None:
    """Run every_reader's counting over ``pages`` (name → body) as a build would, each page
    registering every asset every_reader names but ``unregistered``."""
    app = SimpleNamespace(builder=SimpleNamespace(format="html"),
                          env=SimpleNamespace(found_docs=set(found_docs)))
    every_reader._start_counting(app)
    for name, body in pages.items():
        names = [name for name in every_reader.MUST_BLOCK if name not in unregistered]
        context = {"body": body,
                   "css_files": [_CascadingStyleSheet(f"_static/{n}") for n in names],
                   "script_files": [_JavaScript(f"_static/{n}") for n in names]}
        every_reader._fix_markup(app, name, "page.html", context, None)
        every_reader._lighten_assets(app, name, "page.html", context, None)
    every_reader._check_seen(app, None)


def test_a_markup_fix_that_finds_nothing_in_a_full_build_fails_it():
    targets = " ".join(upstream_text for upstream_text, _ in every_reader.MARKUP_FIXES)
    _finish_build({"a": targets, "b": ""}, {"a", "b"})  # every fix applied: no error

    first = every_reader.MARKUP_FIXES[0][0]
    with pytest.raises(ExtensionError, match="no page of this build has"):
        _finish_build({"a": targets.replace(first, ""), "b": ""}, {"a", "b"})
    # An incremental build that wrote only some pages cannot tell, and says nothing; nor
    # does a page built on its own.
    _finish_build({"a": targets.replace(first, "")}, {"a", "b"})
    _finish_build({"a": targets.replace(first, "")}, {"a"})


def test_an_asset_name_no_page_registers_fails_a_full_build():
    targets = " ".join(upstream_text for upstream_text, _ in every_reader.MARKUP_FIXES)
    renamed = every_reader.MUST_BLOCK[0]
    with pytest.raises(ExtensionError, match=renamed):
        _finish_build({"a": targets, "b": ""}, {"a", "b"}, unregistered=(renamed,))
