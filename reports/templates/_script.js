(function () {
  "use strict";
  function cellValue(row, idx) {
    var cell = row.cells[idx];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }
  function sortTable(table, idx, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("data-dir"); });
    th.setAttribute("data-dir", dir);
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) { var v = cellValue(r, idx); return v === "" || !isNaN(Number(v)); });
    rows.sort(function (a, b) {
      var x = cellValue(a, idx), y = cellValue(b, idx), r;
      r = numeric ? (Number(x) || 0) - (Number(y) || 0) : x.localeCompare(y, "zh-CN");
      return dir === "asc" ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function applyFilter(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table || !table.tBodies[0]) return;
    var text = (box.querySelector("input[type=search]") || {}).value || "";
    var sel = box.querySelector("select");
    var sev = sel ? sel.value : "";
    var needle = text.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var ok = (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1) &&
               (!sev || row.getAttribute("data-sev") === sev || row.getAttribute("data-flags") && row.getAttribute("data-flags").indexOf(sev) !== -1);
      row.style.display = ok ? "" : "none";
      if (ok) shown++;
    });
    var out = box.querySelector(".count");
    if (out) out.textContent = "显示 " + shown + " / " + table.tBodies[0].rows.length + " 行";
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      if (!table.tHead) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, idx) {
        th.title = "点击排序";
        th.addEventListener("click", function () { sortTable(table, idx, th); });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".filter[data-table]"), function (box) {
      Array.prototype.forEach.call(box.querySelectorAll("input, select"), function (el) {
        el.addEventListener("input", function () { applyFilter(box); });
        el.addEventListener("change", function () { applyFilter(box); });
      });
      applyFilter(box);
    });
  });
})();
