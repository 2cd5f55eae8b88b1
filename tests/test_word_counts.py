"""One sitting per chapter: scripts/word_counts.py, and every chapter within its limit."""

import importlib.util
from pathlib import Path

import pytest

from booktools import course

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("word_counts", ROOT / "scripts" / "word_counts.py")
word_counts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(word_counts)

SAMPLE = """\
# A chapter

one two three four five

:::{dropdown} Going deeper: the algebra
six seven eight nine
:::

:::{dropdown} Reveal: what the explorer shows
ten eleven
:::

## Check yourself

twelve thirteen
"""


def test_the_count_stops_at_the_exercises_and_skips_going_deeper_boxes():
    # "A chapter" (2) + five words + the reveal's two; not the box, not the self-check.
    assert word_counts.reading_words(SAMPLE) == 9


def test_a_box_with_another_title_is_read():
    plain = SAMPLE.replace("Going deeper: the algebra", "Note")
    assert word_counts.reading_words(plain) == 13


@pytest.mark.parametrize("chapter", course.content_chapters(), ids=lambda path: path.stem)
def test_every_chapter_fits_one_sitting(chapter):
    words = word_counts.reading_words(chapter.read_text(encoding="utf-8"))
    assert words <= word_counts.LIMIT, (
        f"{chapter.name}: {words} words of prose before its exercises, over "
        f"{word_counts.LIMIT}: move derivations into a 'Going deeper' box, or split it")
