/* Accessibility repairs for markup the book theme writes (pydata-sphinx-theme / sphinx-book-theme).
   The theme's sidebar toggles are <summary> elements holding only an icon, and the logo sits outside
   every landmark; this script gives them a name and a region, so screen readers can announce them.
   Empty corner header cells of data tables become plain cells. */
(function () {
  "use strict";

  function nameToggles() {
    document.querySelectorAll("summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var item = summary.closest("li");
      var link = item ? item.querySelector(":scope > a") : null;
      var caption = summary.closest("details") && summary.closest("details").previousElementSibling;
      var topic = link ? link.textContent.trim() : (caption ? caption.textContent.trim() : "");
      summary.setAttribute("aria-label", topic ? "Onderdelen van " + topic + " tonen of verbergen" : "Onderdelen tonen of verbergen");
    });
  }

  function landmarkForSidebar() {
    var sidebar = document.querySelector(".bd-sidebar-primary");
    if (sidebar && !sidebar.hasAttribute("role") && !sidebar.closest("nav, aside, header, footer, main, [role]")) {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "Cursusnavigatie");
    }
  }

  // pandas writes empty <th> cells in the corner of a table (above the row labels): they head nothing,
  // so they become ordinary empty cells.
  function emptyHeadersToCells() {
    document.querySelectorAll(".bd-article th").forEach(function (th) {
      if (th.textContent.trim() || th.hasAttribute("aria-label")) return;
      var cell = document.createElement("td");
      cell.className = th.className;
      if (th.colSpan > 1) cell.colSpan = th.colSpan;
      if (th.rowSpan > 1) cell.rowSpan = th.rowSpan;
      th.parentNode.replaceChild(cell, th);
    });
  }

  function start() { nameToggles(); landmarkForSidebar(); emptyHeadersToCells(); }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
