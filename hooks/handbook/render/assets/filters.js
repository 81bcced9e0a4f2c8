/* The generated tables' script (handbook), shipped with the package: the MkDocs plugin
   publishes it at assets/handbook/filters.js and lists it in extra_javascript; `handbook
   generate` writes it there for other engines. Without scripts every table shows in full.

   Filters: a `<div class="hb-filter" data-filter-columns="A B">` placed right before a table
   gets one drop-down per named column, listing that column's values; choosing values hides
   the other rows.

   Labels: every cell of a table inside `<div class="hb-stack">` gets its column's heading as
   `data-label`; on a phone the stylesheet stacks a row's cells into a card, hides the
   heading row and shows each label before its value. Doing this here keeps the labels out of
   the page's bytes (a catalog page can have thousands of rows). */
(function () {
  function label(table) {
    if (!table.tHead || !table.tBodies[0] || table.dataset.hbLabelled) return;
    table.dataset.hbLabelled = "1";
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) {
      return c.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, n) {
        if (heads[n]) cell.dataset.label = heads[n];
      });
    });
  }

  function setUp(box) {
    var wrap = box.nextElementSibling;
    var table = wrap && (wrap.tagName === "TABLE" ? wrap : wrap.querySelector("table"));
    if (!table || box.dataset.ready) return;
    box.dataset.ready = "1";
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) {
      return c.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = [];
    box.dataset.filterColumns.split(" ").forEach(function (name) {
      var col = heads.indexOf(name);
      if (col < 0) return;
      var values = {};
      rows.forEach(function (r) { values[r.cells[col].textContent.trim()] = true; });
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.dataset.column = col;
      select.add(new Option("All", ""));
      Object.keys(values).sort().forEach(function (v) { select.add(new Option(v, v)); });
      select.addEventListener("change", apply);
      label.append(name + " ", select);
      box.append(label);
      selects.push(select);
    });
    function apply() {
      rows.forEach(function (r) {
        var keep = selects.every(function (s) {
          return !s.value || r.cells[+s.dataset.column].textContent.trim() === s.value;
        });
        r.style.display = keep ? "" : "none"; // `hidden` loses to the theme's table CSS
      });
    }
    box.hidden = false;
  }
  function all() {
    document.querySelectorAll(".hb-stack table").forEach(label);
    document.querySelectorAll(".hb-filter").forEach(setUp);
  }
  if (window.document$) window.document$.subscribe(all); else document.addEventListener("DOMContentLoaded", all);
})();
