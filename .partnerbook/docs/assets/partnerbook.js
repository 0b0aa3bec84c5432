/* partnerbook: sortable tables without any network request.
   Click a header to sort by that column; numbers, percentages and dates sort
   by value, "n/a" always last. Works with Material's instant navigation. */
(function () {
  "use strict";
  function key(text) {
    var t = text.trim();
    if (t === "n/a" || t === "\u2013" || t === "") { return null; }
    if (/^\d{4}-\d{2}-\d{2}/.test(t)) { return t; }
    var n = parseFloat(t.replace(/[,\s%]/g, "").replace(/pp$/, ""));
    return isNaN(n) ? t.toLowerCase() : n;
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
  function init() {
    document.querySelectorAll(".md-typeset table:not([class])").forEach(makeSortable);
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); }
  else { document.addEventListener("DOMContentLoaded", init); }
})();
