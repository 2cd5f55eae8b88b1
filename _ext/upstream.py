"""Upstream files the book copies or patches, checked against what is installed.

The book overrides three of the theme's templates (``_templates/``) and changes markup that
myst-nb and docutils write (``_ext/every_reader.py``). Each was written against one version
of an upstream file. After an upgrade, a copy would go on serving the old text and a patch
could silently stop applying. So ``upstream.toml`` records, for each upstream file, the
package version and the SHA-256 of the text the book's file was written against, and every
build (and ``tests/test_upstream.py``) compares it with the installed file: a difference
stops the build, naming the file, the recorded version and the installed one.

After a deliberate upgrade: read what changed upstream (the message names the file), bring
the book's copy or patch up to date, then record the new texts with::

    python _ext/upstream.py --rebaseline
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sphinx.errors import ExtensionError

MANIFEST = Path(__file__).with_name("upstream.toml")

_HEADER = """\
# Upstream files the book copies or patches, and the SHA-256 of the text it was written
# against (checked by _ext/upstream.py at every build and by tests/test_upstream.py).
# After a deliberate upgrade, update the book's file, then: python _ext/upstream.py --rebaseline
"""


@dataclass(frozen=True)
class UpstreamFile:
    ours: str         #: the book's file that copies or patches it (relative to the root)
    distribution: str  #: the installed distribution (as pip names it)
    module: str       #: the importable package that holds the file
    path: str         #: the file, relative to the package's folder
    version: str      #: the distribution's version the book's file was written against
    sha256: str       #: of that version's file
    why: str          #: what the book does with it

    def installed_path(self) -> Path:
        package = importlib.import_module(self.module)
        return Path(package.__file__).resolve().parent / self.path

    def installed_version(self) -> str:
        return metadata.version(self.distribution)

    def installed_sha256(self) -> str:
        return hashlib.sha256(self.installed_path().read_bytes()).hexdigest()


def load(manifest: Path = MANIFEST) -> list[UpstreamFile]:
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    return [UpstreamFile(**entry) for entry in data["file"]]


def problems(entries: list[UpstreamFile]) -> list[str]:
    """One sentence per upstream file that is missing or differs from its record."""
    found = []
    for entry in entries:
        where = f"{entry.distribution} {entry.module}/{entry.path}"
        try:
            installed = entry.installed_version()
            path = entry.installed_path()
        except (ImportError, metadata.PackageNotFoundError):
            found.append(f"{where}: {entry.distribution} is not installed "
                         f"({entry.ours} was written against {entry.version})")
            continue
        if not path.is_file():
            found.append(f"{where}: no such file in the installed {entry.distribution} "
                         f"{installed} ({entry.ours} was written against {entry.version})")
        elif entry.installed_sha256() != entry.sha256:
            found.append(f"{where} differs from the text {entry.ours} was written against "
                         f"({entry.distribution} {entry.version} recorded, {installed} "
                         f"installed). {entry.ours}: {entry.why}. Compare, update "
                         "it, then run: python _ext/upstream.py --rebaseline")
    return found


def dump(entries: list[UpstreamFile]) -> str:
    blocks = []
    for entry in entries:
        lines = ["[[file]]"]
        for name in UpstreamFile.__dataclass_fields__:
            value = getattr(entry, name).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{name} = "{value}"')
        blocks.append("\n".join(lines))
    return _HEADER + "\n" + "\n\n".join(blocks) + "\n"


def rebaseline(manifest: Path = MANIFEST) -> list[str]:
    """Record the installed upstream texts; returns what changed, one line each."""
    entries = load(manifest)
    updated, changes = [], []
    for entry in entries:
        version, digest = entry.installed_version(), entry.installed_sha256()
        if (version, digest) != (entry.version, entry.sha256):
            changes.append(f"{entry.module}/{entry.path}: {entry.version} -> {version}")
        updated.append(UpstreamFile(**{**entry.__dict__, "version": version,
                                       "sha256": digest}))
    manifest.write_text(dump(updated), encoding="utf-8")
    return changes


def _check(app, config) -> None:
    found = problems(load())
    if found:
        raise ExtensionError("upstream files changed since the book's copies and patches "
                             "were written:\n" + "\n".join(f"- {p}" for p in found))


def setup(app):
    app.connect("config-inited", _check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebaseline", action="store_true",
                        help="record the installed upstream files' versions and digests")
    arguments = parser.parse_args()
    if arguments.rebaseline:
        changed = rebaseline()
        print("\n".join(changed) if changed else "nothing changed upstream")
    else:
        found = problems(load())
        print("\n".join(found) if found else "every upstream file is as recorded")
        raise SystemExit(1 if found else 0)
