/* Filters for generated tables (handbook): a `<div class="hb-filter" data-filter-columns="A B">`
   placed right before a table gets one drop-down per named column, listing that column's
   values; choosing values hides the other rows. Without scripts the whole table shows.
   Also: how long ago each `<time class="hb-time">` on a generated page was (see the end).
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
