// Kanban drag and drop: drop a card on a column to move it. No build step, no inline script
// (CSP script-src 'self'). Without JavaScript each card's "Move" form does the same.
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".kcard[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.moveUrl);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".column.drop-target").forEach(function (c) {
      c.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (!column || !dragged) return;
    event.preventDefault();
    if (dragged.closest(".column") === column) return;
    var form = dragged.querySelector("form.move");
    var values = { stage: column.dataset.stageId };
    var reason = form && form.querySelector("[name=rejection_reason]");
    if (reason && reason.value) values.rejection_reason = reason.value;
    // `source` makes htmx apply the page's hx-headers (the CSRF token) to the request.
    window.htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged,
      target: "#board",
      swap: "outerHTML",
      values: values,
    });
  });
})();
