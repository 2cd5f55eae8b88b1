"""How much a student reads before a chapter's exercises: one sitting's worth or more?

Counts the prose words of each content chapter above its first "Check yourself" or
"Exercises" heading, the way the instructors' page counts reading (booktools.course: code
cells, solutions and directive options are not prose; a citation reads as two words, a glued
value or inline mathematics as one), leaving out collapsed "Going deeper" boxes, which the
main line does not need. A chapter over the limit needs a split or a box.

    python scripts/word_counts.py            # a table
    python scripts/word_counts.py --check    # exit 1 if any chapter is over the limit
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booktools import course  # noqa: E402

#: The most a first-year student should meet in one sitting before the exercises.
LIMIT = 3500
_END_OF_READING = re.compile(r"^#{1,6}\s+(Check yourself|Exercises)\s*$", re.M)
#: A collapsed box the main line does not need: a dropdown titled "Going deeper ...".
_GOING_DEEPER = re.compile(
    r"^(?P<fence>:{3,})\{dropdown\}\s*Going deeper.*?^(?P=fence)\s*$", re.M | re.S)


def reading_words(text: str) -> int:
    """Prose words above the first "Check yourself" or "Exercises" heading, without the
    "Going deeper" boxes."""
    end = _END_OF_READING.search(text)
    main_line = _GOING_DEEPER.sub("", text[: end.start()] if end else text)
    return course.count_activities(main_line).prose_words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a chapter is over")
    args = parser.parse_args(argv)
    over = []
    for path in course.content_chapters():
        words = reading_words(path.read_text(encoding="utf-8"))
        flag = "over" if words > LIMIT else ""
        print(f"{path.stem:<20} {words:>6}  {flag}")
        if words > LIMIT:
            over.append(path.stem)
    print(f"limit {LIMIT} words of prose before the exercises")
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
