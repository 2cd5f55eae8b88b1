"""A course's JupyterHub: one setting in _config.yml turns on a launch link per chapter.

sphinx-book-theme (header_buttons/launch.py) builds the link from
``launch_buttons.jupyterhub_url``, ``launch_buttons.notebook_interface`` and the
``repository`` section, for every page that is a notebook (has a kernelspec):

    {jupyterhub_url}/hub/user-redirect/git-pull?repo={repository.url}
        &urlpath={lab/tree}/{repository name}/{path_to_book/}{page}.md&branch={branch}

nbgitpuller, on the hub, clones ``repo`` at ``branch`` into a folder named after the
repository and opens ``urlpath``. These tests build a two-chapter fixture book
(tests/fixtures/hub-book, seconds) with the setting on, and read the links; the book
itself, built with it off, has none.
"""

from __future__ import annotations

import html.parser
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .conftest import ROOT
from .test_build import build_warnings

pytestmark = pytest.mark.build

FIXTURE = Path(__file__).parent / "fixtures" / "hub-book"
GIT_PULL = "/hub/user-redirect/git-pull"


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)  # html.parser has already unescaped &amp;


def hub_links(page: Path) -> list[str]:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return [href for href in parser.hrefs if GIT_PULL in href]


def chapters(book: Path) -> list[str]:
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    return [entry["file"] for entry in toc["chapters"]]


def build(book_builder, book: Path, out: Path) -> Path:
    result = book_builder(book, out)
    assert result.returncode == 0, result.output[-3000:]
    assert build_warnings(result.output) == []
    return result.html


@pytest.fixture(scope="module")
def hub_book(tmp_path_factory):
    """The fixture book, copied (the build writes into the book's folder too)."""
    book = tmp_path_factory.mktemp("hub") / "hub-book"
    shutil.copytree(FIXTURE, book)
    return book


@pytest.fixture(scope="module")
def built_on(hub_book, tmp_path_factory, book_builder) -> Path:
    return build(book_builder, hub_book, tmp_path_factory.mktemp("hub-on"))


def test_each_chapter_page_launches_that_chapter_on_the_hub(hub_book, built_on):
    config = yaml.safe_load((hub_book / "_config.yml").read_text())
    hub = urlsplit(config["launch_buttons"]["jupyterhub_url"])
    repo_url = config["repository"]["url"]
    repo_name = repo_url.rstrip("/").rsplit("/", 1)[1]
    for chapter in chapters(hub_book):
        links = hub_links(built_on / f"{chapter}.html")
        assert len(links) == 1, (chapter, links)
        link = urlsplit(links[0])
        assert (link.scheme, link.netloc, link.path) == (hub.scheme, hub.netloc, GIT_PULL)
        query = parse_qs(link.query, strict_parsing=True)
        assert {key: len(values) for key, values in query.items()} == {
            "repo": 1, "urlpath": 1, "branch": 1}
        assert query["repo"] == [repo_url]
        assert query["branch"] == [config["repository"]["branch"]]
        # JupyterLab's file browser, inside the folder nbgitpuller clones into, at the
        # chapter's own MyST file (which must exist where the link says).
        assert query["urlpath"] == [f"lab/tree/{repo_name}/{chapter}.md"]
        assert (hub_book / f"{chapter}.md").is_file()


def test_a_page_that_is_not_a_notebook_has_no_hub_link(built_on):
    assert hub_links(built_on / "intro.html") == []


def test_the_link_follows_the_repository_settings(hub_book, tmp_path, book_builder):
    """Another branch, folder and hub address: the link changes with them."""
    book = tmp_path / "moved"
    shutil.copytree(hub_book, book / "book", ignore=shutil.ignore_patterns("_build"))
    config_file = book / "book" / "_config.yml"
    config = yaml.safe_load(config_file.read_text())
    config["repository"].update(branch="spring-term", path_to_book="book")
    config["launch_buttons"]["jupyterhub_url"] = "https://jupyter.example.org/"
    config_file.write_text(yaml.safe_dump(config))
    site = build(book_builder, book / "book", tmp_path / "out")
    link = urlsplit(hub_links(site / "chapters" / "second.html")[0])
    query = parse_qs(link.query, strict_parsing=True)
    assert link.netloc == "jupyter.example.org" and link.path == GIT_PULL
    assert query["branch"] == ["spring-term"]
    assert query["urlpath"] == ["lab/tree/hub-book/book/chapters/second.md"]


def test_with_the_setting_empty_no_page_has_a_hub_link(site):
    """The book itself leaves the setting empty (checked below): none of its pages, chapters
    included, has a hub link."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    assert any((site / "chapters").glob("*.html"))
    # (The instructors' page shows an example address as text, never as a link.)
    assert [p.name for p in pages if hub_links(p)] == []


def test_the_book_documents_the_setting_and_leaves_it_off():
    text = (ROOT / "_config.yml").read_text()
    config = yaml.safe_load(text)
    assert config["launch_buttons"]["jupyterhub_url"] == ""
    assert config["repository"]["url"].startswith("https://github.com/")
    # The comment above the setting says what to put there and where to read more.
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("jupyterhub_url:"))
    comment = " ".join(line.strip() for line in lines[at - 6:at] if line.strip().startswith("#"))
    assert "nbgitpuller" in comment and "chapters/instructors.md" in comment


def test_the_instructors_page_builds_the_same_link_as_the_theme(hub_book, built_on):
    """booktools.course.hub_url (the instructors' page) agrees with the theme's button."""
    from booktools.course import hub_url

    for chapter in chapters(hub_book):
        folder, slug = chapter.rsplit("/", 1)
        [link] = hub_links(built_on / f"{chapter}.html")
        assert hub_url(slug, config=hub_book / "_config.yml", folder=folder) == link
