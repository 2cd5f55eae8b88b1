"""The build's own tooling for "The Two Faces of Oxytocin".

A reader's code imports the :mod:`widgets` package (models, explorers, self-checks and the
shared scenarios). This package holds what the book's build, its tests and the chapters'
hidden cells use (a chapter run in Binder imports it too: requirements.txt installs both
packages, one distribution):

* :mod:`booktools.course`: the instructors' page (objectives, time estimates, links);
* :mod:`booktools.student`: the student notebooks (MyST chapter to plain Jupyter Markdown);
* :mod:`booktools.claims`: the claims register (``chapters/claims.toml``);
* :mod:`booktools.validation`: the comparisons behind the validation page, with the
  PyDDM reference solutions it reads (``booktools/data/pyddm_reference.json``);
* :mod:`booktools.browser`: a built site on a local server and Debian's Chromium, for the
  tests, the PDF script and the benchmarks.

Nothing in :mod:`widgets` imports this package.
"""
