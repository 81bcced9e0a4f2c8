/* The generated tables' script (handbook), shipped with the package: the MkDocs plugin
   publishes it at assets/handbook/filters.js and lists it in extra_javascript; `handbook
   generate` writes it there for other engines. Without scripts every table shows in full.

   Filters: a `<div class="hb-filter" data-filter-columns="A B">` placed right before a table
   gets a text box (keeps the rows holding every typed word) and one drop-down per named
   column, listing that column's values; the other rows are hidden, and when none is left a
   "No match" row says so, gone again as soon as a row matches.

   Labels: every cell of a table inside `<div class="hb-stack">` gets its column's heading as
   `data-label`; on a phone the stylesheet stacks a row's cells into a card, hides the
   heading row and shows each label before its value. Doing this here keeps the labels out of
   the page's bytes (a catalog page can have thousands of rows).

   Times: how long ago each `<time class="hb-time">` on a generated page was (see the end). */
(function () {
  function headings(table) {
    return Array.prototype.map.call(table.tHead.rows[0].cells, function (c) {
      return c.textContent.trim();
    });
  }

  function label(table) {
    if (!table.tHead || !table.tBodies[0] || table.dataset.hbLabelled) return;
    table.dataset.hbLabelled = "1";
    var heads = headings(table);
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, n) {
        if (heads[n]) cell.dataset.label = heads[n];
      });
    });
  }

  function noMatchRow(table, columns) {
    var row = table.tBodies[0].insertRow(-1);
    var cell = row.insertCell(0);
    row.className = "hb-filter__none";
    cell.colSpan = columns;
    cell.setAttribute("role", "status");
    cell.textContent = "No match: change or clear the filters above to see rows again.";
    row.style.display = "none";
    return row;
  }

  function dropDown(box, name, col, rows, apply) {
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
    return select;
  }

  function setUp(box) {
    var wrap = box.nextElementSibling;
    var table = wrap && (wrap.tagName === "TABLE" ? wrap : wrap.querySelector("table"));
    if (!table || !table.tHead || !table.tBodies[0] || box.dataset.ready) return;
    box.dataset.ready = "1";
    var heads = headings(table);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var none = noMatchRow(table, heads.length);
    var find = document.createElement("input");
    var findLabel = document.createElement("label");
    find.type = "search";
    find.addEventListener("input", apply);
    findLabel.append("Find ", find);
    box.append(findLabel);
    var selects = [];
    (box.dataset.filterColumns || "").split(" ").forEach(function (name) {
      var col = heads.indexOf(name);
      if (col >= 0) selects.push(dropDown(box, name, col, rows, apply));
    });
    function apply() {
      var words = find.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r, n) {
        var keep = words.every(function (w) { return texts[n].indexOf(w) >= 0; }) &&
          selects.every(function (s) {
            return !s.value || r.cells[+s.dataset.column].textContent.trim() === s.value;
          });
        r.style.display = keep ? "" : "none"; // `hidden` loses to the theme's table CSS
        if (keep) shown += 1;
      });
      none.style.display = shown ? "none" : "";
    }
    box.hidden = false;
  }

  function all() {
    document.querySelectorAll(".hb-stack table").forEach(label);
    document.querySelectorAll(".hb-filter").forEach(setUp);
  }
  if (window.document$) window.document$.subscribe(all); else document.addEventListener("DOMContentLoaded", all);
})();

/* Times on generated pages are absolute, `<time class="hb-time" datetime="…Z">2026-11-22 06:00
   UTC</time>`, so a page's text never changes with the clock (a rebuild rewrites only pages
   whose data changed). This adds how long ago that was by the reader's clock, "(3 hours ago)",
   after each one, and keeps it current while the page stays open. Without scripts the
   absolute time alone shows. */
(function () {
  var UNITS = [["day", 86400], ["hour", 3600], ["minute", 60]];
  function ago(seconds) {
    if (seconds < 0) return "in the future";
    for (var i = 0; i < UNITS.length; i++) {
      var n = Math.floor(seconds / UNITS[i][1]);
      if (n >= 1) return n + " " + UNITS[i][0] + (n === 1 ? "" : "s") + " ago";
    }
    return "just now";
  }
  function mark() {
    document.querySelectorAll("time.hb-time[datetime]").forEach(function (time) {
      var then = Date.parse(time.getAttribute("datetime"));
      if (isNaN(then)) return;
      var note = time.nextElementSibling;
      if (!note || !note.classList.contains("hb-ago")) {
        note = document.createElement("span");
        note.className = "hb-ago";
        time.after(note);
      }
      note.textContent = " (" + ago(Math.floor((Date.now() - then) / 1000)) + ")";
    });
  }
  if (window.document$) window.document$.subscribe(mark); else document.addEventListener("DOMContentLoaded", mark);
  setInterval(mark, 60000);
})();
