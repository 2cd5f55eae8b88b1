// The chapter on this page was split in two (issue 23): the sections named below moved to
// the next chapter's page. An old address of this page that names one of them (a heading,
// a figure, an exercise, or an explorer with its setting after "?") is sent there at once,
// with its query and its hash. _ext/book_assets.py writes this file into this page's head,
// inline (so it runs before the page is drawn), on this page only;
// tests/test_moved_sections.py checks the list against the new chapter's ids.
(function () {
  "use strict";
  var moved = {"to": "faces-side-by-side.html", "ids": ["explore-tom-and-mary-side-by-side", "reading-faces", "fig-faces-map", "are-social-cues-ambiguous-at-all", "faces-ex-noise", "faces-ex-debate"]};

  function follow() {
    var id = location.hash.slice(1).split("?")[0];
    try {
      id = decodeURIComponent(id);
    } catch (error) {
      return; // not an address this page ever had
    }
    if (moved.ids.indexOf(id) !== -1) {
      location.replace(moved.to + location.search + location.hash);
    }
  }

  follow();
  window.addEventListener("hashchange", follow);
})();
