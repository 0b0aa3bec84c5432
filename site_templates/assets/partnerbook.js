/* partnerbook: sortable tables, readable cells and charts on any screen, and paper, without any network
   request. Click a header to sort by that column; numbers, amounts, percentages and dates sort by value
   in the page's language (1.234,5 in Italian), "n/a" always last. Works with Material's instant
   navigation. Record text is only ever moved or read as text here, never parsed as HTML. */
(function () {
  "use strict";
  var EMPTY = { "": 1, "n/a": 1, "n/d": 1, "\u2013": 1, "\u2014": 1, "-": 1 };
  var lang = (document.documentElement.getAttribute("lang") || "en").replace("_", "-");
  var separators = (function () {
    var group = ",", decimal = ".";
    try {
      new Intl.NumberFormat(lang).formatToParts(12345.6).forEach(function (part) {
        if (part.type === "group") { group = part.value; }
        if (part.type === "decimal") { decimal = part.value; }
      });
    } catch (e) { /* an unknown language: English separators */ }
    return { group: group, decimal: decimal };
  })();
  var months = (function () {
    var names = {};
    ["short", "long"].forEach(function (width) {
      for (var m = 0; m < 12; m += 1) {
        try {
          var name = new Intl.DateTimeFormat(lang, { month: width, timeZone: "UTC" })
            .format(new Date(Date.UTC(2026, m, 1))).toLowerCase().replace(/\.$/, "");
          names[name] = m + 1;
        } catch (e) { /* no Intl: ISO dates still sort */ }
      }
    });
    return names;
  })();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function dateKey(t) {
    var iso = /^(\d{4})-(\d{2})(-\d{2})?/.exec(t);
    if (iso) { return iso[0]; }
    var dm = /^(\d{1,2})\.? ([^\s\d,.]+)\.? (\d{4})/.exec(t);   // 1 dic 2026, 1. Dez. 2026
    var md = /^([^\s\d,.]+)\.? (\d{1,2}), (\d{4})/.exec(t);       // Dec 1, 2026
    var day, month, year;
    if (dm) { day = +dm[1]; month = months[dm[2].toLowerCase()]; year = dm[3]; }
    else if (md) { day = +md[2]; month = months[md[1].toLowerCase()]; year = md[3]; }
    return month ? year + "-" + pad(month) + "-" + pad(day) : null;
  }
  function numberKey(t) {
    var s = t.split(separators.group).join("").replace(/[\s\u00a0\u202f]/g, "");
    if (separators.decimal !== ".") { s = s.split(separators.decimal).join("."); }
    var m = /^[+\-\u2212]?\d+(\.\d+)?/.exec(s.replace("\u2212", "-"));
    return m ? parseFloat(m[0]) : null;
  }
  function key(text) {
    var t = text.trim();
    if (EMPTY[t.toLowerCase()]) { return null; }
    var date = dateKey(t);
    if (date !== null) { return date; }
    var n = numberKey(t);
    return n === null ? t.toLowerCase() : n;
  }
  function compare(a, b, dir) {
    if (a === null && b === null) { return 0; }
    if (a === null) { return 1; }
    if (b === null) { return -1; }
    if (typeof a === typeof b) { return (a < b ? -1 : a > b ? 1 : 0) * dir; }
    return (typeof a === "number" ? -1 : 1) * dir;
  }
  function makeSortable(table) {
    if (table.dataset.pbSortable) { return; }
    table.dataset.pbSortable = "1";
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      th.classList.add("pb-sortable");
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      function sort() {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          return compare(key(r1.cells[index].textContent), key(r2.cells[index].textContent), dir);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  }
  /* A short cell with a figure in it ("1 dic 2026", "+1.6 pp", "in 12 days") never breaks; an amount may put
     its currency code under the number ("13,300.00" / "EUR") when the table is short of room. */
  function keepFiguresWhole(table) {
    Array.prototype.forEach.call(table.querySelectorAll("td"), function (cell) {
      var text = cell.textContent.trim();
      if (/^[+\-\u2212]?[\d.,'\u00a0\u202f]+ [A-Z]{3}$/.test(text)) { cell.classList.add("pb-money"); }
      else if (text.length <= 20 && /\d/.test(text) && !cell.querySelector("br")) { cell.classList.add("pb-nowrap"); }
    });
  }
  /* Long ids and paths may break after a slash or an underscore as well as after a hyphen, never inside a
     word, nor between a file and its line (path.yaml:12). */
  function breakableCode(code) {
    if (code.dataset.pbWrapped || code.closest("pre") || code.textContent.length < 16) { return; }
    code.dataset.pbWrapped = "1";
    var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var parts = [], text = node.nodeValue, start = 0;
      for (var i = 1; i < text.length; i += 1) {
        if ("/_".indexOf(text.charAt(i - 1)) >= 0 && "/_ ".indexOf(text.charAt(i)) < 0) {
          parts.push(text.slice(start, i)); start = i;
        }
      }
      parts.push(text.slice(start));
      if (parts.length < 2) { return; }
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, n) {
        if (n > 0) { fragment.appendChild(document.createElement("wbr")); }
        fragment.appendChild(document.createTextNode(part));
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }
  /* A date in running text ("Nov 28, 2025", "28 nov 2025") stays on one line. */
  var datePattern = (function () {
    var names = Object.keys(months).map(function (m) { return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!names.length) { return null; }
    var month = "(?:" + names.sort(function (a, b) { return b.length - a.length; }).join("|") + ")\\.?";
    return new RegExp("\\b(?:\\d{1,2}\\.? " + month + " \\d{4}|" + month + " \\d{1,2}, \\d{4})", "gi");
  })();
  function keepDatesWhole(element) {
    if (!datePattern || element.dataset.pbDates) { return; }
    element.dataset.pbDates = "1";
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      var parent = walker.currentNode.parentNode;
      if (parent.closest("code, pre, .pb-nowrap") === null) { nodes.push(walker.currentNode); }
    }
    nodes.forEach(function (node) {
      var text = node.nodeValue, last = 0, match, fragment = null;
      datePattern.lastIndex = 0;
      while ((match = datePattern.exec(text)) !== null) {
        fragment = fragment || document.createDocumentFragment();
        fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
        var span = document.createElement("span");
        span.className = "pb-nowrap";
        span.textContent = match[0];
        fragment.appendChild(span);
        last = match.index + match[0].length;
      }
      if (fragment) {
        fragment.appendChild(document.createTextNode(text.slice(last)));
        node.parentNode.replaceChild(fragment, node);
      }
    });
  }
  /* A chart's paragraph scrolls sideways on a phone rather than the page (partnerbook.css). */
  function chartBox(img) {
    var box = img.parentElement;
    if (box && box.tagName === "P") { box.classList.add("pb-chart-box"); }
  }
  /* Paper shows what folded sections hold. A page printed from the disk (partnerbook print) links to the
     published site (its canonical address, from mkdocs.yml's site_url) or nowhere: never to a file path of
     the machine that printed it. */
  var opened = [], relinked = [];
  function openForPrint() {
    document.querySelectorAll(".md-typeset details:not([open])").forEach(function (d) {
      d.setAttribute("open", ""); opened.push(d);
    });
    if (location.protocol !== "file:" || relinked.length) { return; }
    var canonical = document.querySelector("link[rel='canonical']");
    var base = canonical && /^https?:/.test(canonical.href) ? canonical.href : null;
    document.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (a.protocol !== "file:") { return; }
      relinked.push([a, href]);
      if (base) { a.setAttribute("href", new URL(href, base).href); } else { a.removeAttribute("href"); }
    });
  }
  function closeAfterPrint() {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    relinked.forEach(function (pair) { pair[0].setAttribute("href", pair[1]); });
    opened = [];
    relinked = [];
  }
  window.addEventListener("beforeprint", openForPrint);
  window.addEventListener("afterprint", closeAfterPrint);
  function init() {
    document.querySelectorAll(".md-typeset table:not([class])").forEach(function (table) {
      makeSortable(table);
      keepFiguresWhole(table);
      /* An attribute, not a class: Material styles only tables without one. Paper prints these smaller. */
      if (table.querySelectorAll("thead th").length > 10) { table.setAttribute("data-pb-wide", ""); }
    });
    document.querySelectorAll(".md-typeset code").forEach(breakableCode);
    document.querySelectorAll(".md-typeset td, .md-typeset li, .md-typeset p").forEach(keepDatesWhole);
    document.querySelectorAll(".md-typeset img[src*='assets/charts/']").forEach(chartBox);
    if (window.matchMedia && window.matchMedia("print").matches) { openForPrint(); }
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); }
  else { document.addEventListener("DOMContentLoaded", init); }
})();
