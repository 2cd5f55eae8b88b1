"""The local web server the browser tests, the PDF script and the benchmarks use, and the
pattern that keeps their pages from reaching any other place."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from booktools.browser import _Server, outside_pattern, serve_directory


def test_the_server_answers_and_records_what_it_could_not(tmp_path):
    (tmp_path / "page.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    failures: list[str] = []
    with serve_directory(tmp_path, failures) as base:
        with urllib.request.urlopen(f"{base}/page.html", timeout=10) as answer:
            assert answer.status == 200
        assert failures == []
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/missing.css", timeout=10)
    assert len(failures) == 1 and "404" in failures[0] and "missing.css" in failures[0]


@pytest.mark.parametrize("error, recorded", [
    (BrokenPipeError(32, "Broken pipe"), False),  # the page was closed mid-load
    (ConnectionResetError(104, "reset"), False),
    (RuntimeError("a bug in the handler"), True),
])
def test_a_closed_connection_is_let_go_and_any_other_error_recorded(error, recorded):
    failures: list[str] = []
    server = _Server(("127.0.0.1", 0), None, failures)
    try:
        try:
            raise error
        except Exception:
            server.handle_error(None, ("127.0.0.1", 1234))
    finally:
        server.server_close()
    assert bool(failures) == recorded
    if recorded:
        assert "a bug in the handler" in failures[0]


@pytest.mark.parametrize("address, outside", [
    ("http://127.0.0.1:8123/chapters/hormesis.html", False),
    ("http://127.0.0.1:8123/", False),
    ("data:image/png;base64,AAAA", False),
    ("blob:http://127.0.0.1:8123/1b2c", False),
    ("about:blank", False),
    ("https://cdn.example.org/lib.js", True),
    ("http://localhost:8123/intro.html", True),  # the same machine, another name
    ("http://127.0.0.1:8124/intro.html", True),  # another port
    ("http://127.0.0.1:81234/intro.html", True),  # not a prefix match on the port
])
def test_only_other_places_match_the_outside_pattern(address, outside):
    assert bool(outside_pattern("http://127.0.0.1:8123").match(address)) is outside
