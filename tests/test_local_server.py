"""The local web server the browser tests, the PDF script and the benchmarks use."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from booktools.browser import _Server, serve_directory


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
