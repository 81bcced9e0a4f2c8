/* Filters for generated tables (handbook): a `<div class="hb-filter" data-filter-columns="A B">`
   placed right before a table gets one drop-down per named column, listing that column's
   values; choosing values hides the other rows. Without scripts the whole table shows.
   Shipped with the package: the MkDocs plugin publishes it at assets/handbook/filters.js and
   lists it in extra_javascript; `handbook generate` writes it there for other engines. */
(function () {
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
  function all() { document.querySelectorAll(".hb-filter").forEach(setUp); }
  if (window.document$) window.document$.subscribe(all); else document.addEventListener("DOMContentLoaded", all);
})();
