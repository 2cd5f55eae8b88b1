"""No stale pages: the execution cache follows the code the chapters import.

Chapters are executed when the book builds and their outputs kept in a jupyter-cache
(``_build/.jupyter_cache``). Out of the box that cache is keyed on each chapter's own
code cells, and Sphinx re-reads only the chapters whose source changed; so after a change
to a model in ``widgets/``, every chapter whose cells did not change kept its old numbers,
tables and figures, on a plain ``jupyter-book build .`` and even after
``jupyter-book clean .`` (which keeps the cache).

This extension takes a digest of what the chapters' code runs and reads
(``book_code_paths``: the ``widgets`` and ``booktools`` packages, the claims register) and
of the installed versions of the libraries that shape the numbers (``book_code_libraries``:
a new numpy can change every random stream). The digest is

* a configuration value that Sphinx compares with the last build's, so a new digest makes
  it read every page again, and
* the name of the cache's folder (``_build/.jupyter_cache/<digest>``), so a new digest
  starts an empty cache and every chapter runs again. Folders of older digests are removed.

A page whose code reads other pages' sources (the instructors' page reads every chapter's
objectives) lists them in its front matter as ``book_reads: [chapters/*.md, _toc.yml]``
(globs, relative to the book's root); the page is then read again when one of them
changes, and ``execution_mode: force`` in its ``mystnb`` front matter runs it afresh.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: What a chapter's code imports or reads, relative to the book's root.
DEFAULT_CODE_PATHS = ("widgets", "booktools", "chapters/claims.toml")
#: Installed libraries whose version can change what a chapter prints.
DEFAULT_LIBRARIES = ("numpy", "scipy", "matplotlib", "ipywidgets", "jupyterquiz")
#: Length of the digest in the cache folder's name (hex digits).
DIGEST_LENGTH = 16


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def code_digest(root: Path, paths, libraries) -> str:
    """A digest of the files under ``paths`` (relative to ``root``) and the libraries'
    installed versions. A path that does not exist is an error: a misspelt path would
    silently take a file out of the digest."""
    digest = hashlib.sha256()
    for name in paths:
        path = root / name
        if not path.exists():
            raise ConfigError(f"book_code_paths: {name!r} does not exist under {root}")
        for file in _files(path):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    for library in libraries:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "not installed"
        digest.update(f"{library}=={version}\0".encode())
    return digest.hexdigest()[:DIGEST_LENGTH]


def _use_digest(app, config) -> None:
    root = Path(app.confdir)
    digest = code_digest(root, config.book_code_paths, config.book_code_libraries)
    config.book_code_digest = digest
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if base.name == digest:  # already set (the config object can be initialised twice)
        return
    base = base.resolve()
    if base.is_dir():
        for folder in base.iterdir():
            if folder.is_dir() and folder.name != digest:
                shutil.rmtree(folder)
                logger.info(f"execution cache: removed the cache of older code ({folder.name})")
        # The layout before this extension: jupyter-cache's files at the top of the folder.
        for stale in ("global.db", "executed", "__version__.txt"):
            target = base / stale
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    config.nb_execution_cache_path = str(base / digest)
    logger.info(f"execution cache: {base / digest} (code digest {digest})")


def _note_reads(app, doctree) -> None:
    """Make a page depend on the files its front matter's ``book_reads`` names."""
    patterns = app.env.metadata.get(app.env.docname, {}).get("book_reads")
    if not patterns:
        return
    if isinstance(patterns, str):
        # MyST keeps a front-matter value that is not a string (the list in
        # chapters/instructors.md) as its JSON text.
        try:
            decoded = json.loads(patterns)
        except ValueError:
            decoded = patterns
        patterns = decoded if isinstance(decoded, list) else [patterns]
    root = Path(app.confdir)
    for pattern in patterns:
        matches = sorted(root.glob(pattern))
        if not matches:
            raise ConfigError(f"{app.env.docname}: book_reads pattern {pattern!r} matches "
                              f"no file under {root}")
        for match in matches:
            app.env.note_dependency(str(match))


def setup(app):
    app.add_config_value("book_code_paths", DEFAULT_CODE_PATHS, "env", (list, tuple))
    app.add_config_value("book_code_libraries", DEFAULT_LIBRARIES, "env", (list, tuple))
    # Set from the two above when the configuration is read; compared with the last
    # build's, so a change makes Sphinx read every page again.
    app.add_config_value("book_code_digest", "", "env", str)
    app.connect("config-inited", _use_digest, priority=100)
    app.connect("doctree-read", _note_reads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
