/* MIA report: small SVG charts (drag to zoom, double-click to reset) and a sortable table; no network. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("mia-data").textContent);
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function money(v) {
    var s = Math.abs(v).toLocaleString("en-US", {minimumFractionDigits: 0, maximumFractionDigits: 0});
    return (v < 0 ? "-$" : "$") + s;
  }
  function ticks(lo, hi, n) {
    var span = hi - lo || 1, step = Math.pow(10, Math.floor(Math.log10(span / n)));
    [1, 2, 5, 10].some(function (m) { if (span / (step * m) <= n) { step *= m; return true; } return false; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
    return out;
  }
  var MAX_MARKS = 1500;
  var MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function timeTicks(lo, hi) {
    var span = hi - lo, out = [], d, months = [1, 3, 6, 12, 24, 60, 120];
    if (span > 60 * 86400) {
      var m = months.filter(function (k) { return span / (k * 30.4 * 86400) <= 8; })[0] || 120;
      d = new Date(lo * 1000); d = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % Math.min(m, 12)), 1);
      for (var t = new Date(d); t.getTime() / 1000 <= hi; t.setUTCMonth(t.getUTCMonth() + m)) {
        if (t.getTime() / 1000 >= lo) out.push([t.getTime() / 1000, m >= 12 ? String(t.getUTCFullYear()) :
          MON[t.getUTCMonth()] + " " + t.getUTCFullYear()]);
      }
      return out;
    }
    var steps = [60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400, 14 * 86400];
    var step = steps.filter(function (s) { return span / s <= 8; })[0] || 30 * 86400;
    for (var s = Math.ceil(lo / step) * step; s <= hi; s += step) {
      var iso = new Date(s * 1000).toISOString();
      out.push([s, step >= 86400 ? iso.slice(0, 10) : iso.slice(5, 10) + " " + iso.slice(11, 16)]);
    }
    return out;
  }
  function first(xs, v) { var a = 0, b = xs.length; while (a < b) { var m = (a + b) >> 1; if (xs[m] < v) a = m + 1; else b = m; } return a; }

  function TimeChart(host, spec, height) {
    var W = Math.max(host.clientWidth, 600), H = height, L = 70, R = 12, T = 8, B = 24, gap = 10;
    var all = [];
    spec.panels.forEach(function (p) { p.series.forEach(function (s) { all = all.concat([s.x[0], s.x[s.x.length - 1]]); }); });
    all = all.filter(function (v) { return v !== undefined; });
    var full = [Math.min.apply(null, all), Math.max.apply(null, all)], dom = full.slice();
    var svg = el("svg", {width: W, height: H, "class": "chart"}, host);
    var tip = document.createElement("div"); tip.className = "tip"; host.appendChild(tip);
    function X(v) { return L + (v - dom[0]) / (dom[1] - dom[0] || 1) * (W - L - R); }
    function draw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var top = T, usable = H - T - B - gap * (spec.panels.length - 1);
      spec.panels.forEach(function (p) {
        var ph = usable * p.height, lo = Infinity, hi = -Infinity, shown = [];
        p.series.forEach(function (s) {
          var a = Math.max(0, first(s.x, dom[0]) - 1), b = Math.min(s.x.length, first(s.x, dom[1]) + 1);
          shown.push([s, a, b]);
          for (var i = a; i < b; i++) { if (s.y[i] < lo) lo = s.y[i]; if (s.y[i] > hi) hi = s.y[i]; }
          if (s.fill) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
        });
        var marks = (p.markers || []).filter(function (m) { return m[0] >= dom[0] && m[0] <= dom[1]; });
        marks.forEach(function (m) { if (m[1] < lo) lo = m[1]; if (m[1] > hi) hi = m[1]; });
        if (!isFinite(lo)) { lo = 0; hi = 1; }
        var pad = (hi - lo) * 0.04 || 1; lo -= pad; hi += pad;
        var Y = function (v) { return top + ph - (v - lo) / (hi - lo) * ph; };
        el("rect", {x: L, y: top, width: W - L - R, height: ph, "class": "plot"}, svg);
        ticks(lo, hi, 5).forEach(function (v) {
          el("line", {x1: L, x2: W - R, y1: Y(v), y2: Y(v), "class": "grid"}, svg);
          el("text", {x: L - 6, y: Y(v) + 4, "class": "ylab"}, svg).textContent = p.money === false ? v.toFixed(2) : money(v);
        });
        shown.forEach(function (t) {
          var s = t[0], d = "";
          for (var i = t[1]; i < t[2]; i++) d += (d ? "L" : "M") + X(s.x[i]).toFixed(1) + "," + Y(s.y[i]).toFixed(1);
          if (!d) return;
          if (s.fill) el("path", {d: d + "L" + X(s.x[t[2] - 1]).toFixed(1) + "," + Y(0) + "L" + X(s.x[t[1]]).toFixed(1) + "," + Y(0) + "Z",
            fill: s.color, "fill-opacity": 0.25, stroke: "none"}, svg);
          el("path", {d: d, stroke: s.color, fill: "none", "stroke-width": 1.3, "stroke-dasharray": s.dash ? "5,3" : "none", "class": "line"}, svg);
        });
        var r = marks.length > 400 ? 3 : 5;
        if (marks.length > MAX_MARKS) {
          el("text", {x: L + (W - L - R) / 2, y: top + 28, "class": "hint"}, svg).textContent =
            marks.length.toLocaleString("en-US") + " entries and exits in view: drag across a stretch to zoom in and see them";
          marks = [];
        }
        marks.forEach(function (m) {
          var x = X(m[0]), y = Y(m[1]), shape;
          if (m[2] === "exit") shape = el("path", {d: "M" + (x - r) + "," + (y - r) + "L" + (x + r) + "," + (y + r) + "M" + (x - r) + "," + (y + r) + "L" + (x + r) + "," + (y - r), stroke: "#202124", "class": "marker"}, svg);
          else shape = el("path", {d: m[2] === "up" ? "M" + x + "," + (y - r) + "L" + (x + r) + "," + (y + r) + "L" + (x - r) + "," + (y + r) + "Z"
            : "M" + x + "," + (y + r) + "L" + (x + r) + "," + (y - r) + "L" + (x - r) + "," + (y - r) + "Z", fill: m[2] === "up" ? "#188038" : "#c5221f", "class": "marker"}, svg);
          el("title", {}, shape).textContent = "trade " + m[3] + " " + (m[2] === "exit" ? "exit" : m[2] === "up" ? "long entry" : "short entry") + " " + m[1] + " " + new Date(m[0] * 1000).toISOString().slice(0, 16).replace("T", " ");
        });
        top += ph + gap;
      });
      timeTicks(dom[0], dom[1]).forEach(function (t) {
        el("line", {x1: X(t[0]), x2: X(t[0]), y1: T, y2: H - B, "class": "grid"}, svg);
        el("text", {x: X(t[0]), y: H - 6, "class": "xlab"}, svg).textContent = t[1];
      });
      var legend = el("g", {}, svg), lx = L + 8;
      spec.panels.forEach(function (p) { p.series.forEach(function (s) {
        el("rect", {x: lx, y: T + 6, width: 14, height: 3, fill: s.color}, legend);
        var label = el("text", {x: lx + 18, y: T + 11, "class": "legend"}, legend); label.textContent = s.name;
        lx += 30 + 7 * s.name.length;
      }); });
    }
    var start = null, band = null;
    svg.addEventListener("mousedown", function (e) { start = e.offsetX; band = el("rect", {x: start, y: T, width: 0, height: H - T - B, "class": "band"}, svg); });
    svg.addEventListener("mousemove", function (e) {
      if (band) { band.setAttribute("x", Math.min(start, e.offsetX)); band.setAttribute("width", Math.abs(e.offsetX - start)); }
      var v = dom[0] + (e.offsetX - L) / (W - L - R) * (dom[1] - dom[0]);
      var parts = [new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")];
      spec.panels.forEach(function (p) { p.series.forEach(function (s) {
        var i = Math.min(s.x.length - 1, first(s.x, v)); if (i >= 0 && s.y.length) parts.push(s.name + " " + (p.money === false ? s.y[i] : money(s.y[i])));
      }); });
      tip.textContent = parts.join("  |  ");
    });
    svg.addEventListener("mouseup", function (e) {
      if (band && Math.abs(e.offsetX - start) > 4) {
        var a = Math.min(start, e.offsetX), b = Math.max(start, e.offsetX), w = W - L - R;
        dom = [dom[0] + (a - L) / w * (dom[1] - dom[0]), dom[0] + (b - L) / w * (dom[1] - dom[0])];
      }
      band = null; draw();
    });
    svg.addEventListener("dblclick", function () { dom = full.slice(); draw(); });
    draw();
  }

  function Histogram(host, h) {
    var W = Math.max(host.clientWidth, 600), H = 260, L = 50, B = 40, T = 10, n = h.counts.length;
    var svg = el("svg", {width: W, height: H, "class": "chart"}, host);
    if (!n) { el("text", {x: W / 2, y: H / 2, "class": "xlab"}, svg).textContent = "no closed trades"; return; }
    var top = Math.max.apply(null, h.counts), bw = (W - L - 10) / n;
    ticks(0, top, 4).forEach(function (v) {
      var y = H - B - v / top * (H - B - T);
      el("line", {x1: L, x2: W - 10, y1: y, y2: y, "class": "grid"}, svg);
      el("text", {x: L - 6, y: y + 4, "class": "ylab"}, svg).textContent = v;
    });
    h.counts.forEach(function (c, i) {
      var lo = h.edges[i], hi = h.edges[i + 1], y = H - B - c / top * (H - B - T);
      var bar = el("rect", {x: L + i * bw + 1, y: y, width: bw - 2, height: H - B - y, "class": (lo + hi) / 2 < 0 ? "bar loss" : "bar win"}, svg);
      el("title", {}, bar).textContent = c + " trade(s) from " + money(lo) + " to " + money(hi);
    });
    [0, Math.floor(n / 2), n].forEach(function (i) {
      el("text", {x: L + i * bw, y: H - B + 16, "class": "xlab"}, svg).textContent = money(h.edges[i]);
    });
    el("text", {x: L + (W - L) / 2, y: H - 4, "class": "xlab"}, svg).textContent = "net P&L per trade";
  }

  function SortableTable(table, trades) {
    var body = table.tBodies[0], rows = trades.rows.slice(), dir = {};
    function render() {
      var html = [];
      rows.forEach(function (r) {
        html.push("<tr>" + r.map(function (v, i) {
          var cls = trades.money.indexOf(i) >= 0 ? (v < 0 ? " class='neg'" : " class='num'") : typeof v === "number" ? " class='num'" : "";
          var text = trades.money.indexOf(i) >= 0 ? money2(v) : String(v).replace(/[&<>]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}[c]; });
          return "<td" + cls + ">" + text + "</td>";
        }).join("") + "</tr>");
      });
      body.innerHTML = html.join("");
    }
    function money2(v) { return (v < 0 ? "-$" : "$") + Math.abs(v).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2}); }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.addEventListener("click", function () {
        dir[i] = -(dir[i] || -1);
        rows.sort(function (a, b) { return (a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0) * dir[i]; });
        Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("data-sort"); });
        th.setAttribute("data-sort", dir[i] > 0 ? "asc" : "desc");
        render();
      });
    });
    render();
  }

  TimeChart(document.getElementById("chart-equity"), data.equity, 460);
  TimeChart(document.getElementById("chart-price"), data.price, 420);
  Histogram(document.getElementById("chart-pnl"), data.pnl);
  SortableTable(document.getElementById("trade-list"), data.trades);
  document.body.setAttribute("data-drawn", "yes");
})();
