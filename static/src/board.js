// The board: after each server push, the tab title and the favicon say how
// many problems there are (the pushed body carries both).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById("board");
    if (!board) return;
    var title = board.getAttribute("data-title");
    if (title) document.title = title + " \u00b7 Greenroom";
    var icon = board.getAttribute("data-icon");
    var link = document.querySelector("link[rel=icon]");
    if (icon && link && link.getAttribute("href") !== icon) link.setAttribute("href", icon);
  });
})();
