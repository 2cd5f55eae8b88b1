/*
 * Static explorers: redraw a chart and its readout from results the book's
 * build computed in Python (widgets/explorers/framework.py). Nothing here
 * models anything; it only looks results up on the grid of the controls'
 * steps and draws them as SVG. No library, no network.
 *
 * Each explorer is a <div class="explorer" data-explorer="NAME"> holding a
 * <script type="application/json" class="explorer-data"> payload:
 *   controls: [{name, label, min, max, step, default, unit, decimals, help}]
 *   panels:   [{title, x_label, y_label, x_range, y_range, lines, references}]
 *   keys:     result names; pool: distinct arrays/numbers; texts: sentences
 *   points:   per grid point (row-major over controls): pool index per key,
 *             then the list of its readout's sentence indices.
 * Permalinks: #NAME?control=value&... restores a setting.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 400, HEIGHT = 290;
  var MARGIN = { left: 58, right: 10, top: 34, bottom: 46 };

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

  function Explorer(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.explorer-data").textContent);
    this.name = this.data.name;
    this.index = {};
    for (var i = 0; i < this.data.controls.length; i++) {
      this.index[this.data.controls[i].name] = i;
    }
    this.build();
    // The address names an explorer, not an element id, so the browser does not
    // scroll to it by itself.
    if (this.applyHash(false)) this.root.scrollIntoView();
    this.update(false);
    var self = this;
    window.addEventListener("hashchange", function () { self.applyHash(true); });
  }

  Explorer.prototype.build = function () {
    var data = this.data, root = this.root, self = this;
    root.classList.add("explorer-ready");
    var form = document.createElement("form");
    form.className = "explorer-controls";
    form.setAttribute("aria-label", data.title + ": controls");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.inputs = [];
    this.outputs = [];
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
      var output = document.createElement("output");
      output.setAttribute("for", id);
      input.addEventListener("input", function () { self.update(true); });
      row.appendChild(label);
      row.appendChild(input);
      row.appendChild(output);
      form.appendChild(row);
      self.inputs.push(input);
      self.outputs.push(output);
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
    this.notice.hidden = true;

    var charts = document.createElement("div");
    charts.className = "explorer-charts";
    var alt = root.querySelector(".explorer-alt");
    this.panels = data.panels.map(function (panel, p) {
      return self.buildPanel(panel, p, charts, alt ? alt.textContent : "");
    });
    this.readout = root.querySelector(".explorer-readout");
    var title = root.querySelector(".explorer-title");
    title.after(form, this.notice, charts);
  };

  Explorer.prototype.buildPanel = function (panel, p, parent, altText) {
    var svg = el("svg", {
      viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", class: "explorer-chart",
      "aria-label": panel.title + ". " + altText,
    }, parent);
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
      var attrs = { fill: "none", stroke: line.color, "stroke-width": 2.2,
        class: "explorer-line", "data-y": line.y };
      if (line.dashed) attrs["stroke-dasharray"] = "7 4";
      var shape = el("polyline", attrs, plot);
      var markers = line.markers ? el("g", { fill: line.color }, plot) : null;
      var ly = legendY + 14 * i;
      var legendLine = { x1: x0 + 8, x2: x0 + 30, y1: ly, y2: ly, stroke: line.color,
        "stroke-width": 2.2 };
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
    var c = this.data.controls[i];
    var text = this.valueOf(i).toFixed(c.decimals).replace(/^-/, "\u2212");
    return c.unit ? text + " " + c.unit : text;
  };

  Explorer.prototype.update = function (fromInput) {
    var data = this.data, row = data.points[this.pointIndex()], self = this;
    var results = {};
    data.keys.forEach(function (key, k) { results[key] = data.pool[row[k]]; });
    for (var i = 0; i < this.inputs.length; i++) {
      var shown = this.format(i);
      this.outputs[i].textContent = shown;
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

  // Apply a permalink such as #hormesis?hormesis=60&context=-0.5
  Explorer.prototype.applyHash = function (redraw) {
    var hash = decodeURIComponent(window.location.hash.slice(1));
    var prefix = this.name + "?";
    if (hash.indexOf(prefix) !== 0) return false;
    var problems = [], self = this;
    hash.slice(prefix.length).split("&").forEach(function (pair) {
      if (!pair) return;
      var parts = pair.split("="), name = parts[0], value = Number(parts[1]);
      var i = self.index[name];
      if (i === undefined) { problems.push("no control named \u201c" + name + "\u201d"); return; }
      var c = self.data.controls[i];
      if (!isFinite(value) || value < c.min || value > c.max) {
        problems.push(c.label + " = " + parts[1] + " is outside " + c.min + " to " + c.max);
        return;
      }
      var k = Math.round((value - c.min) / c.step);
      var snapped = Math.round((c.min + k * c.step) * 1e10) / 1e10;
      if (Math.abs(snapped - value) > 1e-9) {
        problems.push(c.label + " = " + parts[1] + " shown as the nearest step, " + snapped);
      }
      self.inputs[i].value = k;
    });
    if (problems.length) {
      this.notice.textContent = "This link could not be followed exactly: " +
        problems.join("; ") + ".";
      this.notice.hidden = false;
    }
    if (redraw) this.update(false);
    return true;
  };

  function start() {
    var roots = document.querySelectorAll("div.explorer[data-explorer]");
    for (var i = 0; i < roots.length; i++) {
      roots[i].explorer = new Explorer(roots[i]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
