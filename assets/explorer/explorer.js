/*
 * Static explorers: redraw a chart and its readout from results the book's
 * build computed in Python (widgets/explorers/framework.py). Nothing here
 * models anything; it only looks results up on the grid of the controls'
 * steps and draws them as SVG. No library, no network.
 *
 * Each explorer is a <div class="explorer" data-explorer="NAME"> holding a
 * <script type="application/json" class="explorer-data"> payload. On the book's
 * site the payload is in a file of its own (the element's data-src; the file sets
 * window.explorerData[data-key]), fetched when the explorer comes near the screen,
 * when an address names it, or when every explorer is asked for
 * (window.bookExplorers.startAll(), which returns a promise). Printing cannot
 * wait for a file, so at "beforeprint" the rest read theirs synchronously.
 * The payload:
 *   controls: [{name, label, min, max, step, default, unit, decimals, help,
 *               labels (optional: one name per grid step, shown instead of the number)}]
 *   panels:   [{title, x_label, y_label, x_range, y_range, lines, references,
 *               description}]; each line's color is an Okabe–Ito name ("blue"),
 *             drawn with the class explorer-colour-NAME (explorer.css has the shades).
 *   keys:     result names; pool: distinct arrays/numbers; texts: sentences
 *   points:   per grid point (row-major over controls): pool index per key,
 *             then the list of its readout's sentence indices.
 * Permalinks: #NAME?control=value&... restores a setting. The address is input
 * from anyone, so it is read defensively: every problem with it is reported in
 * the explorer's notice (as text, never as markup) and nothing it says can
 * reach anything but the controls it names.
 *
 * What a screen reader hears: each slider says its value with its unit
 * (aria-valuetext); the readout (aria-live) says what the chart now shows; each
 * chart is an image named by its title and described by its own description.
 * The number shown beside a slider repeats the slider's value for the eye, so it
 * is hidden from assistive technology and is not a live region: a move is
 * announced once, not twice.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 400, HEIGHT = 290;
  var MARGIN = { left: 58, right: 10, top: 34, bottom: 46 };
  // Links this script writes are a few dozen characters; anything much longer
  // is not one of them and is not followed (nor scanned for settings).
  var MAX_ADDRESS = 2000;
  var MAX_ECHO = 40;        // characters of the address repeated in a notice
  var MAX_PROBLEMS = 5;     // problems listed in one notice

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function niceTicks(low, high, count) {
    var span = high - low, raw = span / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * power; })
      .find(function (s) { return s >= raw; });
    var ticks = [];
    for (var t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) {
      ticks.push(Math.round(t / step) * step);
    }
    return ticks;
  }

  function formatTick(value) {
    var text = String(Math.round(value * 1000) / 1000);
    return text.charAt(0) === "-" ? "\u2212" + text.slice(1) : text;
  }

  // Part of the address, quoted for a notice: cut short, with an ellipsis.
  function quote(text) {
    text = String(text);
    if (text.length > MAX_ECHO) text = text.slice(0, MAX_ECHO - 1) + "\u2026";
    return "\u201c" + text + "\u201d";
  }

  // decodeURIComponent, or null where the text has a broken %-escape.
  function decode(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return null;
    }
  }

  // A label as typed in an address: case, extra spaces and "+" do not matter.
  function normalLabel(text) {
    return text.replace(/\+/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
  }

  // At most MAX_PROBLEMS items, then how many more there were.
  function listed(items, separator) {
    var more = items.length - MAX_PROBLEMS;
    if (more > 0) items = items.slice(0, MAX_PROBLEMS).concat(["and " + more + " more"]);
    return items.join(separator || ", ");
  }

  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

  // Scripts holding explorers' results, by address: each is fetched once.
  var loading = new Map();

  function loadScript(src) {
    if (!loading.has(src)) {
      loading.set(src, new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = resolve;
        script.onerror = function () {
          reject(new Error("its results (" + src + ") could not be loaded"));
        };
        document.head.appendChild(script);
      }));
    }
    return loading.get(src);
  }

  // The same at once, for printing: the browser lays out the printed pages as soon
  // as the "beforeprint" listeners return, so a file that arrives later prints
  // nothing. A synchronous request (the book's only one, made only when printing)
  // whose text runs as an inline script, which runs as it is inserted. Chromium
  // refuses it from file:// (and says so in the console), so it is not asked
  // there: from disk every explorer starts at load.
  function runScriptNow(src) {
    if (window.location.protocol === "file:") {
      throw new Error("its results (" + src + ") cannot be read at once from file://");
    }
    var request = new XMLHttpRequest();
    request.open("GET", src, false);
    request.send();
    if (request.status !== 200) throw new Error("its results (" + src + ") could not be loaded");
    var script = document.createElement("script");
    script.text = request.responseText;
    document.head.appendChild(script);
    if (!loading.has(src)) loading.set(src, Promise.resolve());
  }

  // An explorer's results: inline in the page, or in the file its element names.
  // Returns a promise of them; with `now` (printing), the results themselves, or
  // throws.
  function results(root, now) {
    var block = root.querySelector("script.explorer-data");
    if (!block) throw new Error("its results are missing from the page");
    var src = block.getAttribute("data-src"), key = block.getAttribute("data-key");
    if (!src) return JSON.parse(block.textContent);
    function has() {
      return Boolean(window.explorerData) &&
        Object.prototype.hasOwnProperty.call(window.explorerData, key);
    }
    function defined() {
      if (!has()) throw new Error("its results (" + src + ") did not define " + quote(key));
      return window.explorerData[key];
    }
    if (!now) return loadScript(src).then(defined);
    if (!has()) runScriptNow(src);
    return defined();
  }

  function Explorer(root, data) {
    this.root = root;
    this.data = data;
    this.name = this.data.name;
    // Own keys only: an address saying "__proto__" or "constructor" must not
    // find anything through a prototype chain.
    this.index = new Map();
    for (var i = 0; i < this.data.controls.length; i++) {
      this.index.set(this.data.controls[i].name, i);
    }
    this.build();
    this.update(false);
  }

  Explorer.prototype.build = function () {
    var data = this.data, root = this.root, self = this;
    root.classList.add("explorer-ready");
    var unprinted = root.querySelector(".explorer-print-missing");
    if (unprinted) unprinted.remove();  // it started after a print: its charts are here now
    var form = document.createElement("form");
    form.className = "explorer-controls";
    form.setAttribute("aria-label", data.title + ": controls");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.inputs = [];
    this.valueTexts = [];
    data.controls.forEach(function (control, i) {
      var id = data.name + "-" + control.name;
      var row = document.createElement("div");
      row.className = "explorer-control";
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = control.label;
      var input = document.createElement("input");
      input.type = "range";
      input.id = id;
      input.name = control.name;
      input.min = 0;                    // the slider moves over grid indices,
      input.max = Math.round((control.max - control.min) / control.step);
      input.step = 1;                   // so every position has stored results
      input.value = Math.round((control.default - control.min) / control.step);
      if (control.help) input.title = control.help;
      // The value for the eye; the slider's aria-valuetext says it to the ear.
      var value = document.createElement("span");
      value.className = "explorer-value";
      value.setAttribute("data-for", id);
      value.setAttribute("aria-hidden", "true");
      input.addEventListener("input", function () { self.update(true); });
      row.appendChild(label);
      row.appendChild(input);
      row.appendChild(value);
      form.appendChild(row);
      self.inputs.push(input);
      self.valueTexts.push(value);
    });
    // A link to this exact setting, for instructors assigning it.
    var share = document.createElement("div");
    share.className = "explorer-share";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "explorer-copy-link";
    button.textContent = "Copy link to this setting";
    var status = document.createElement("span");
    status.className = "explorer-copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      var url = self.writeHash();
      var done = function () { status.textContent = "Link copied."; };
      var manual = function () {
        status.textContent = "Copy the page address: it now holds this setting.";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, manual);
      } else {
        manual();
      }
    });
    share.appendChild(button);
    share.appendChild(status);
    form.appendChild(share);
    this.copyStatus = status;
    this.notice = document.createElement("p");
    this.notice.className = "explorer-notice";
    this.notice.setAttribute("role", "status");  // announced when a link is reported
    this.notice.hidden = true;

    var charts = document.createElement("div");
    charts.className = "explorer-charts";
    this.panels = data.panels.map(function (panel, p) {
      return self.buildPanel(panel, p, charts);
    });
    this.readout = root.querySelector(".explorer-readout");
    var title = root.querySelector(".explorer-title");
    title.after(form, this.notice, charts);
  };

  // A line's colour class: its Okabe–Ito name, nothing else.
  function colourClass(line) {
    var name = /^[a-z]+$/.test(String(line.color)) ? line.color : "blue";
    return "explorer-colour-" + name;
  }

  Explorer.prototype.buildPanel = function (panel, p, parent) {
    // Named by its title, described by its own description (not the other
    // charts'), so each chart is read once and only about itself.
    var descriptionId = this.name + "-chart-" + p + "-description";
    var svg = el("svg", {
      viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", class: "explorer-chart",
      "aria-label": panel.title, "aria-describedby": descriptionId,
    }, parent);
    el("desc", { id: descriptionId }, svg).textContent = panel.description || "";
    var x0 = MARGIN.left, x1 = WIDTH - MARGIN.right;
    var y0 = HEIGHT - MARGIN.bottom, y1 = MARGIN.top;
    var xr = panel.x_range, yr = panel.y_range;
    function sx(v) { return x0 + (v - xr[0]) / (xr[1] - xr[0]) * (x1 - x0); }
    function sy(v) { return y0 - (v - yr[0]) / (yr[1] - yr[0]) * (y0 - y1); }
    var clipId = this.name + "-clip-" + p;
    var defs = el("defs", {}, svg);
    var clip = el("clipPath", { id: clipId }, defs);
    el("rect", { x: x0, y: y1, width: x1 - x0, height: y0 - y1 }, clip);
    el("text", { x: x0, y: 16, class: "explorer-panel-title" }, svg).textContent = panel.title;
    niceTicks(xr[0], xr[1], 5).forEach(function (t) {
      el("line", { x1: sx(t), x2: sx(t), y1: y0, y2: y0 + 4, class: "explorer-axis" }, svg);
      el("text", { x: sx(t), y: y0 + 16, "text-anchor": "middle", class: "explorer-tick" },
        svg).textContent = formatTick(t);
    });
    niceTicks(yr[0], yr[1], 5).forEach(function (t) {
      el("line", { x1: x0, x2: x1, y1: sy(t), y2: sy(t), class: "explorer-grid" }, svg);
      el("text", { x: x0 - 6, y: sy(t) + 4, "text-anchor": "end", class: "explorer-tick" },
        svg).textContent = formatTick(t);
    });
    el("line", { x1: x0, x2: x1, y1: y0, y2: y0, class: "explorer-axis" }, svg);
    el("line", { x1: x0, x2: x0, y1: y0, y2: y1, class: "explorer-axis" }, svg);
    el("text", { x: (x0 + x1) / 2, y: HEIGHT - 8, "text-anchor": "middle",
      class: "explorer-label" }, svg).textContent = panel.x_label;
    el("text", { x: 14, y: (y0 + y1) / 2, "text-anchor": "middle", class: "explorer-label",
      transform: "rotate(-90 14 " + (y0 + y1) / 2 + ")" }, svg).textContent = panel.y_label;
    panel.references.forEach(function (ref) {
      el("line", { x1: x0, x2: x1, y1: sy(ref[0]), y2: sy(ref[0]),
        class: "explorer-reference" }, svg);
      el("text", { x: x1 - 2, y: sy(ref[0]) - 4, "text-anchor": "end",
        class: "explorer-reference-label" }, svg).textContent = ref[1];
    });
    var plot = el("g", { "clip-path": "url(#" + clipId + ")" }, svg);
    var legendY = y1 + 12;
    var shapes = panel.lines.map(function (line, i) {
      var colour = colourClass(line);
      var attrs = { class: "explorer-line " + colour, "data-y": line.y };
      if (line.dashed) attrs["stroke-dasharray"] = "7 4";
      var shape = el("polyline", attrs, plot);
      var markers = line.markers ? el("g", { class: "explorer-markers " + colour }, plot)
        : null;
      var ly = legendY + 14 * i;
      var legendLine = { x1: x0 + 8, x2: x0 + 30, y1: ly, y2: ly,
        class: "explorer-legend-line " + colour };
      if (line.dashed) legendLine["stroke-dasharray"] = "7 4";
      el("line", legendLine, svg);
      el("text", { x: x0 + 34, y: ly + 4, class: "explorer-legend" }, svg).textContent =
        line.label;
      return { line: line, shape: shape, markers: markers };
    });
    return { svg: svg, sx: sx, sy: sy, shapes: shapes };
  };

  Explorer.prototype.pointIndex = function () {
    var index = 0, controls = this.data.controls;
    for (var i = 0; i < controls.length; i++) {
      var size = Math.round((controls[i].max - controls[i].min) / controls[i].step) + 1;
      index = index * size + Number(this.inputs[i].value);
    }
    return index;
  };

  Explorer.prototype.valueOf = function (i) {
    var c = this.data.controls[i];
    return Math.round((c.min + c.step * Number(this.inputs[i].value)) * 1e10) / 1e10;
  };

  Explorer.prototype.format = function (i) {
    var c = this.data.controls[i], labels = c.labels;
    var k = Number(this.inputs[i].value);
    if (labels && labels.length && typeof labels[k] === "string") return labels[k];
    var text = this.valueOf(i).toFixed(c.decimals).replace(/^-/, "\u2212");
    return c.unit ? text + " " + c.unit : text;
  };

  Explorer.prototype.update = function (fromInput) {
    var data = this.data, row = data.points[this.pointIndex()], self = this;
    var results = {};
    data.keys.forEach(function (key, k) { results[key] = data.pool[row[k]]; });
    for (var i = 0; i < this.inputs.length; i++) {
      var shown = this.format(i);
      this.valueTexts[i].textContent = shown;
      this.inputs[i].setAttribute("aria-valuetext", shown);
    }
    this.panels.forEach(function (panel) {
      panel.shapes.forEach(function (s) {
        var xs = results[s.line.x], ys = results[s.line.y], pts = [];
        for (var j = 0; j < xs.length; j++) {
          pts.push(panel.sx(xs[j]).toFixed(1) + "," + panel.sy(ys[j]).toFixed(1));
        }
        s.shape.setAttribute("points", pts.join(" "));
        if (s.markers) {
          while (s.markers.firstChild) s.markers.removeChild(s.markers.firstChild);
          for (var m = 0; m < xs.length; m++) {
            el("circle", { cx: panel.sx(xs[m]), cy: panel.sy(ys[m]), r: 3 }, s.markers);
          }
        }
      });
    });
    var sentences = row[data.keys.length].map(function (t) { return data.texts[t]; });
    this.readout.textContent = sentences.join(" ");
    if (fromInput) {
      this.notice.hidden = true;
      this.copyStatus.textContent = "";
      this.writeHash();
    }
  };

  // Put the current setting in the page address; return the full link.
  Explorer.prototype.writeHash = function () {
    var self = this;
    var query = this.data.controls.map(function (c, i) {
      return c.name + "=" + self.valueOf(i);
    }).join("&");
    history.replaceState(null, "", "#" + this.name + "?" + query);
    return window.location.href;
  };

  Explorer.prototype.showNotice = function (text) {
    this.notice.textContent = text || "";
    this.notice.hidden = !text;
  };

  // The grid index a value from an address stands for: {k} or {problem}.
  Explorer.prototype.readValue = function (i, key, raw) {
    var c = this.data.controls[i], self = this;
    var kept = ", so it stays at " + this.format(i);
    if (raw === null) return { problem: quote(key) + " has no value" + kept };
    var text = decode(raw);
    if (text === null) {
      return { problem: "the value of " + quote(key) + ", " + quote(raw) +
        ", could not be read (a broken %-escape)" + kept };
    }
    if (!text.trim()) return { problem: quote(key) + " has no value" + kept };
    var given = quote(key + "=" + text);
    // A named position may be given by its name. The number, which is what this
    // script writes, wins where both would fit (names can look like numbers).
    var labels = (c.labels && c.labels.length) ? c.labels : [], named = -1;
    for (var j = 0; j < labels.length; j++) {
      if (normalLabel(String(labels[j])) === normalLabel(text)) named = j;
    }
    var takes = " (" + c.label + " takes " + formatTick(c.min) + " to " + formatTick(c.max) +
      (labels.length ? ", or one of " + listed(labels.map(quote)) : "") + ")";
    if (!NUMBER.test(text.trim())) {
      if (named >= 0) return { k: named };
      return { problem: given + " is not a number" + takes + kept };
    }
    var value = Number(text);
    if (!isFinite(value) || value < c.min || value > c.max) {
      if (named >= 0) return { k: named };
      return { problem: given + " is outside the range" + takes + kept };
    }
    var k = Math.round((value - c.min) / c.step);
    var snapped = Math.round((c.min + k * c.step) * 1e10) / 1e10;
    if (Math.abs(snapped - value) > 1e-9) {
      self.inputs[i].value = k;
      return { k: k, problem: given + " is shown as the nearest step, " + this.format(i) };
    }
    return { k: k };
  };

  // Apply the part of a permalink after "?", e.g. hormesis=60&context=-0.5.
  // Returns the notice to show ("" when the link was followed exactly).
  Explorer.prototype.applyQuery = function (query) {
    var problems = [], unknown = [], given = new Map(), self = this;
    (query || "").split("&").forEach(function (pair) {
      if (!pair) return;
      var eq = pair.indexOf("=");
      var rawKey = eq < 0 ? pair : pair.slice(0, eq);
      var raw = eq < 0 ? null : pair.slice(eq + 1);
      var key = decode(rawKey);
      if (key === null) {
        problems.push("a setting name, " + quote(rawKey) +
          ", could not be read (a broken %-escape)");
      } else if (!key) {
        problems.push(quote(pair) + " has no setting name");
      } else if (!self.index.has(key)) {
        unknown.push(quote(key));
      } else {
        if (!given.has(key)) given.set(key, []);
        given.get(key).push(raw);
      }
    });
    if (unknown.length) {
      problems.push((unknown.length > 1 ? "no settings called " : "no setting called ") +
        listed(unknown) + " (the settings are " +
        this.data.controls.map(function (c) { return c.name; }).join(", ") + ")");
    }
    given.forEach(function (values, key) {
      var i = self.index.get(key), last = values[values.length - 1];
      if (values.length > 1) {
        problems.push(quote(key) + " is given " + values.length + " times; the last, " +
          quote(last === null ? "" : (decode(last) || last)) + ", was used");
      }
      var read = self.readValue(i, key, last);
      if (read.k !== undefined) self.inputs[i].value = read.k;
      if (read.problem) problems.push(read.problem);
    });
    this.update(false);
    if (!problems.length) return "";
    return "This link could not be followed exactly: " + listed(problems, "; ") + ".";
  };

  // Follow the page address (#NAME?control=value&...) and give every explorer
  // on the page its notice: the one the address concerns gets what went wrong,
  // every other one's notice is cleared. Settings of explorers that the address
  // does not name are left alone.
  function followAddress(explorers, failed, scroll) {
    if (!explorers.length) return;
    var raw = window.location.hash.slice(1), target = null, message = "";
    var q = raw.indexOf("?");
    var rawName = q < 0 ? raw : raw.slice(0, q);
    var name = decode(rawName.slice(0, MAX_ADDRESS));
    var named = explorers.filter(function (ex) { return ex.name === name; })[0] || null;
    var names = explorers.map(function (ex) { return quote(ex.name); });
    try {
      if (raw.length > MAX_ADDRESS) {
        target = named || explorers[0];
        message = "This link is too long to follow (" + raw.length.toLocaleString("en") +
          " characters; a link to a setting has a few dozen), so nothing was changed.";
      } else if (name === null) {
        target = explorers[0];
        message = "The address of this page, " + quote("#" + raw) + ", could not be " +
          "read (a broken %-escape), so no explorer setting was changed.";
      } else if (named) {
        target = named;
        message = named.applyQuery(q < 0 ? "" : raw.slice(q + 1));
      } else if (q >= 0 && failed.indexOf(name) < 0) {
        // An explorer's name and a setting, but no explorer here has that name.
        // (An address without "?" is an ordinary anchor: nothing to say. An
        // explorer that failed to start already says so in its own box.)
        target = explorers[0];
        message = "This link is for an explorer called " + quote(name) +
          ", but no explorer on this page is called that. " +
          (names.length > 1 ? "The explorers here are " + names.join(", ") + "."
            : "The explorer here is " + names[0] + ".");
      }
    } catch (error) {
      target = target || explorers[0];
      message = "This link could not be followed: " + quote(error && error.message) + ".";
    }
    explorers.forEach(function (ex) { ex.showNotice(ex === target ? message : ""); });
    // The address names an explorer, not an element id, so the browser does not
    // scroll to it by itself.
    if (scroll && target && (message || named)) target.root.scrollIntoView();
  }

  // One explorer that cannot start says so in its own box; the others start.
  // A notice of the start's own, under the explorer's title.
  function addStartNotice(root, kind, text) {
    var notice = document.createElement("p");
    notice.className = "explorer-notice " + kind;
    notice.textContent = text;
    var title = root.querySelector(".explorer-title");
    if (title) title.after(notice); else root.prepend(notice);
  }

  function startFailed(root, error) {
    var reason = String(error && error.message || error);
    if (reason.length > 200) reason = reason.slice(0, 199) + "\u2026";
    root.classList.remove("explorer-ready");
    var unprinted = root.querySelector(".explorer-print-missing");
    if (unprinted) unprinted.remove();  // this notice says why, better
    addStartNotice(root, "explorer-failed", "This explorer could not start: " + reason +
      ". The text around it still describes the model; the chapter in Binder or " +
      "Jupyter has the live version.");
  }

  function start() {
    var roots = Array.prototype.slice.call(
      document.querySelectorAll("div.explorer[data-explorer]"));
    var starting = new Map();  // root -> promise settled once it started or failed

    // An explorer may start twice over (printing starts it at once while its file
    // is on the way): the first start wins.
    function startOne(root) {
      if (!starting.has(root)) {
        starting.set(root, Promise.resolve(root).then(results).then(function (data) {
          if (!root.explorer) root.explorer = new Explorer(root, data);
        }).catch(function (error) {
          if (root.explorer) return;
          root.explorerFailed = true;
          startFailed(root, error);
        }));
      }
      return starting.get(root);
    }

    function startAll() {
      return Promise.all(roots.map(startOne));
    }

    // Before the browser lays out the printed pages. An explorer whose results
    // cannot be had at once prints a note saying why its charts are missing; the
    // usual start still runs, for the screen.
    function startAllForPrint() {
      roots.forEach(function (root) {
        if (root.explorer || root.explorerFailed) return;
        try {
          root.explorer = new Explorer(root, results(root, true));
        } catch (error) {
          if (root.querySelector(".explorer-print-missing")) return;
          addStartNotice(root, "explorer-print-missing", "Its charts had not loaded when " +
            "this page was printed: scroll to it, wait for them, and print again.");
        }
      });
      startAll();
    }

    // In page order, whatever order their results arrived in.
    function follow(scroll) {
      var explorers = roots.filter(function (r) { return r.explorer; })
        .map(function (r) { return r.explorer; });
      var failed = roots.filter(function (r) { return r.explorerFailed; })
        .map(function (r) { return r.getAttribute("data-explorer"); });
      followAddress(explorers, failed, scroll);
    }

    // Whether the address may concern an explorer: anything but empty or an
    // ordinary anchor (an element's id on this page that is not an explorer).
    function concernsExplorers() {
      var raw = window.location.hash.slice(1);
      if (!raw) return false;
      var target = raw.length <= MAX_ADDRESS ? document.getElementById(decode(raw) || "") : null;
      return !target || target.hasAttribute("data-explorer");
    }

    window.bookExplorers = { startAll: startAll };
    window.addEventListener("beforeprint", startAllForPrint);
    window.addEventListener("hashchange", function () {
      if (concernsExplorers()) {
        startAll().then(function () { follow(false); });
      } else {
        follow(false);
      }
    });
    // From file:// (the site opened from a disk) reading a file costs nothing, and
    // printing could not read one synchronously: all start at once.
    if (concernsExplorers() || !("IntersectionObserver" in window) ||
        window.location.protocol === "file:") {
      startAll().then(function () { follow(true); });
      return;
    }
    // The rest start a screen or so before the reader reaches them.
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        startOne(entry.target);
      });
    }, { rootMargin: "100% 0px" });
    roots.forEach(function (root) { observer.observe(root); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
