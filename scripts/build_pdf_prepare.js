// Rearranges the book's single page for print; run by scripts/build_pdf.py with
// Playwright's page.evaluate(PREPARE, config). Returns what it did and what went wrong.
// One function expression: the file is read as the argument of page.evaluate, not loaded
// as a script.
async (config) => {
  const d = document, html = d.documentElement, problems = [];
  const article = d.querySelector("article.bd-article") || d.querySelector("main") || d.body;
  const el = (tag, cls, text) => {
    const node = d.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  html.dataset.theme = "light";
  html.dataset.mode = "light";

  // Which page of the site a node comes from: the last "document-" marker before it.
  const markers = Array.from(d.querySelectorAll('span[id^="document-"]'));
  const pageOf = (node) => {
    let name = config.root;
    for (const marker of markers) {
      if (marker.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) {
        name = marker.id.slice("document-".length);
      } else break;
    }
    return name;
  };
  const headingText = (heading) => {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink, .print-part").forEach(n => n.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // Chapters, in the order of _toc.yml: an anchor at each start, part names.
  const chapters = [], titles = {};
  const firstSection = article.querySelector("section");
  for (const part of config.toc) {
    part.entries.forEach((entry, index) => {
      let section = null;
      if (entry.docname === config.root) section = firstSection;
      else {
        section = d.getElementById("document-" + entry.docname);
        while (section && section.tagName !== "SECTION") section = section.nextElementSibling;
      }
      if (!section) { problems.push("no page " + entry.docname + " in the single page"); return; }
      const heading = section.querySelector(":scope > :is(h1, h2, h3, h4, h5, h6)");
      const title = heading ? headingText(heading) : entry.docname;
      const anchor = el("span");
      anchor.id = entry.anchor;
      section.prepend(anchor);
      section.classList.add("print-chapter");
      if (heading) heading.classList.add("print-chapter-title");
      if (part.caption && index === 0) anchor.after(el("p", "print-part", part.caption));
      titles[entry.docname] = title;
      chapters.push({docname: entry.docname, anchor: entry.anchor, title: title,
                     section: section});
    });
  }

  // Heading levels that follow the book's structure (the single page nests each page
  // of the site under the front page, at whatever level its toctree sits): a chapter's
  // title is an h1, its sections h2, and so on. The PDF's bookmarks come from these.
  const retag = (node, tag) => {
    if (node.tagName.toLowerCase() === tag) return;
    const copy = d.createElement(tag);
    for (const attribute of node.attributes) copy.setAttribute(attribute.name, attribute.value);
    copy.append(...node.childNodes);
    node.replaceWith(copy);
  };
  for (const chapter of chapters) {
    const headings = chapter.section.querySelectorAll("h1, h2, h3, h4, h5, h6");
    for (const heading of headings) {
      if (heading.closest(".print-chapter") !== chapter.section) continue;
      let depth = 0;
      for (let n = heading.parentElement; n && n !== chapter.section; n = n.parentElement) {
        if (n.tagName === "SECTION") depth += 1;
      }
      retag(heading, "h" + Math.min(6, 1 + depth));
    }
    delete chapter.section;
  }

  // Code the site hides behind "Show code cell source" stays out of print.
  d.querySelectorAll("details.hide").forEach(n => n.remove());

  // Explorers at their defaults: no controls; their settings and link in words.
  const explorers = [];
  for (const box of d.querySelectorAll("div.explorer[data-explorer]")) {
    const ex = box.explorer, page = pageOf(box) + ".html";
    if (!ex) { problems.push("explorer " + box.dataset.explorer + " did not start"); continue; }
    const controls = ex.data.controls;
    const query = controls.map((c, i) => c.name + "=" + ex.valueOf(i)).join("&");
    const address = (config.baseurl ? config.baseurl + "/" : "") + page + "#" + ex.name +
      "?" + query;
    const settings = el("p", "explorer-print-settings", "Shown at its default setting: " +
      controls.map((c, i) => c.label + " = " + ex.format(i)).join("; ") + ".");
    const link = el("p", "explorer-print-link", "Open it live: ");
    if (config.baseurl) {
      const a = el("a", null, address);
      a.href = address;
      link.append(a);
    } else {
      link.append(el("code", null, address));
      link.append(" (on the book's website)");
    }
    const readout = box.querySelector(".explorer-readout");
    readout.after(settings, link);
    const drawn = box.querySelectorAll("polyline.explorer-line[points]").length;
    if (!drawn) problems.push("explorer " + ex.name + " on " + page + " drew no lines");
    explorers.push({name: ex.name, page: page, address: address, drawn: drawn,
                    readout: readout.textContent});
  }

  // Self-checks, reveals and solutions: the questions stay, the answers move.
  const selector = "div.solution, details.sd-dropdown, div.self-check";
  const candidates = Array.from(d.querySelectorAll(selector)).filter(
    n => !n.parentElement.closest(selector));
  const items = [];
  for (const node of candidates) {
    if (node.matches("details.sd-dropdown")) {
      const summary = node.querySelector("summary");
      const title = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
      if (/^Reveal\b/i.test(title)) items.push({kind: "reveal", node: node, title: title});
      else node.open = true;
    } else if (node.matches("div.solution")) {
      items.push({kind: "solution", node: node});
    } else {
      items.push({kind: "self-check", node: node});
    }
  }

  const selfCheck = (root) => {
    const box = root.querySelector('div[id^="selfcheck_"]');
    const data = box ? window["questions" + box.id] : undefined;
    if (!Array.isArray(data)) {
      throw new Error("self-check " + root.dataset.selfCheck + ": its questions were not found");
    }
    const questions = el("div", "print-questions"), answers = el("div", "print-answers");
    for (const q of data) {
      const shown = el("div", "print-question"), text = el("p");
      text.innerHTML = q.question;
      shown.append(text);
      const answer = el("div", "print-answer"), asked = el("p"), strong = el("strong");
      strong.innerHTML = q.question;
      asked.append(strong);
      answer.append(asked);
      if (q.type === "numeric") {
        shown.append(el("p", "print-numeric", "Answer with a number."));
        const right = q.answers.find(a => a.correct), said = el("p");
        said.innerHTML = right ? right.feedback : "(no right answer given)";
        answer.append(said);
      } else {
        const choices = el("ol"), explained = el("ol");
        choices.type = explained.type = "a";
        for (const choice of q.answers) {
          const item = el("li");
          item.innerHTML = choice.answer;
          choices.append(item);
          // Question, choice and feedback texts are HTML (escaped by widgets.selfcheck).
          const why = el("li"), said = el(choice.correct ? "strong" : "em"), note = el("span");
          said.innerHTML = choice.answer;
          note.innerHTML = " — " + (choice.feedback || (choice.correct ? "Right." : "Wrong."));
          why.append(said, note);
          explained.append(why);
        }
        shown.append(choices);
        answer.append(explained);
      }
      questions.append(shown);
      answers.append(answer);
    }
    box.replaceChildren(questions);
    box.removeAttribute("style");
    return {count: data.length, answers: answers};
  };

  const appendix = el("section", "print-appendix");
  appendix.id = config.appendixAnchor;
  appendix.append(el("h1", "print-chapter-title", config.appendixTitle));
  appendix.append(el("p", null, "The answers to the self-checks, the answers of the " +
    "“Reveal” boxes and the solutions to the exercises, numbered as the pointers in the " +
    "chapters say."));
  const counts = {"self-check": 0, reveal: 0, solution: 0, questions: 0};
  let lastPage = null;
  items.forEach((item, i) => {
    const n = i + 1, page = pageOf(item.node);
    if (page !== lastPage) {
      appendix.append(el("h2", "print-appendix-chapter", titles[page] || page));
      lastPage = page;
    }
    const entry = el("div", "print-appendix-item");
    entry.id = "print-answer-" + n;
    const heading = el("p", "print-item-title", n + ". ");
    entry.append(heading);
    const pointer = el("p", "print-answer-pointer");
    const link = el("a", null, "Answers: Appendix, item " + n);
    link.href = "#" + entry.id;
    pointer.append(link);
    if (item.kind === "self-check") {
      const parts = selfCheck(item.node);
      heading.append("Check yourself: answers");
      entry.append(parts.answers);
      item.node.append(pointer);
      counts.questions += parts.count;
    } else if (item.kind === "reveal") {
      heading.append(item.title);
      const content = item.node.querySelector(".sd-summary-content") || item.node;
      item.node.replaceWith(pointer);
      entry.append(content);
    } else {
      const title = item.node.querySelector(":scope > .admonition-title");
      if (title) {
        heading.append(...title.childNodes);
        title.remove();
      } else heading.append("Solution");
      for (const n of [item.node, ...item.node.querySelectorAll("*")]) {
        n.classList.remove("dropdown", "toggle", "toggle-hidden");
      }
      item.node.querySelectorAll("button.toggle-button").forEach(b => b.remove());
      item.node.replaceWith(pointer);
      entry.append(item.node);
    }
    counts[item.kind] += 1;
    appendix.append(entry);
  });
  article.append(appendix);
  d.querySelectorAll("details").forEach(n => { n.open = true; });
  d.querySelectorAll(".toggle-hidden").forEach(n => n.classList.remove("toggle-hidden"));

  // A link to a file of the website (a student notebook, the PDF itself) would point
  // at the local server in the PDF: it goes to the website if html.baseurl is set,
  // else it is left as plain text. Links within the book stay links.
  const here = location.href.split("#")[0];
  for (const a of d.querySelectorAll("a[href]")) {
    const url = new URL(a.href, here);
    if (url.origin !== location.origin || url.href.split("#")[0] === here) continue;
    if (config.baseurl) a.href = config.baseurl + url.pathname + url.search + url.hash;
    else a.removeAttribute("href");
  }

  // An external address after its link text, unless the text already says it.
  const plain = s => s.toLowerCase().replace(/^https?:\/\//, "").replace(/^www\./, "")
    .replace(/\/+$/, "").replace(/\s+/g, "");
  for (const a of article.querySelectorAll('a[href^="http://"], a[href^="https://"]')) {
    if (a.closest(".explorer-print-link")) continue;
    const href = a.getAttribute("href"), target = plain(href), text = plain(a.textContent);
    const path = target.replace(/^[^/]*\//, "");
    if (!text || text.includes(target) || (path.length > 5 && text.includes(path)) ||
        (target.includes(text) && /[./]/.test(text))) continue;
    a.after(el("span", "print-url", " (" + href + ")"));
  }

  // The title page and the contents (page numbers come with the second print).
  const front = d.createElement("div");
  front.innerHTML = config.titlePage;
  const toc = el("nav", "print-toc");
  toc.setAttribute("aria-label", "Contents");
  toc.append(el("h1", null, "Contents"));
  const tocEntry = (list, title, anchor) => {
    const li = el("li"), a = el("a");
    a.href = "#" + anchor;
    const number = el("span", "print-toc-page");
    number.dataset.anchor = anchor;
    a.append(el("span", "print-toc-title", title), el("span", "print-toc-dots"), number);
    li.append(a);
    list.append(li);
  };
  for (const part of config.toc) {
    if (part.caption) toc.append(el("p", "print-toc-part", part.caption));
    const list = el("ol");
    for (const entry of part.entries) {
      if (titles[entry.docname] !== undefined) tocEntry(list, titles[entry.docname], entry.anchor);
    }
    toc.append(list);
  }
  const last = el("ol");
  tocEntry(last, config.appendixTitle, config.appendixAnchor);
  toc.append(last);
  article.prepend(...front.childNodes, toc);

  // Formulas are MathML (_ext/mathml.py); one the build could not convert says so.
  const undrawn = Array.from(d.querySelectorAll("div.math"))
    .filter(n => !n.querySelector("math")).length +
    d.querySelectorAll(".math-error").length;
  if (undrawn) problems.push(undrawn + " formulas are not MathML");
  html.classList.add("print-book");
  return {chapters: chapters, explorers: explorers, counts: counts, problems: problems,
          anchors: [...chapters.map(c => c.anchor), config.appendixAnchor]};
}
