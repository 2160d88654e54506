/* Clientela: progressive enhancements. Every action also works without this script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Journey boards: native drag and drop posts the move with htmx; the server re-renders the
     board, so a refused move leaves every card where it was. */
  var dragged = null;

  function columnOf(target) {
    return target && target.closest ? target.closest(".column") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".board-card") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = dragged;
    var toStage = column.dataset.stage;
    if (toStage === card.dataset.stage) return;
    var reason = "";
    if (Number(column.dataset.stageIndex) < Number(card.dataset.stageIndex)) {
      reason = window.prompt(card.dataset.reasonPrompt || "");
      if (reason === null) return;
    }
    var board = document.getElementById("board");
    var token = card.querySelector("input[name=csrfmiddlewaretoken]");
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: {
        to_stage: toStage,
        reason: reason,
        mine: board ? board.dataset.mine : "",
        csrfmiddlewaretoken: token ? token.value : "",
      },
    });
  });

  /* A refused move leaves the card where it was: put its form back to the current stage. */
  document.addEventListener("clientela:error", function (event) {
    var form = event.target && event.target.closest ? event.target.closest("form.card-move") : null;
    if (form) {
      form.reset();
      form.classList.remove("backward");
    }
  });

  /* The fallback form asks for a reason only when the chosen stage is behind the card's. */
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches(".card-move select")) return;
    var card = select.closest(".board-card");
    var chosen = select.options[select.selectedIndex];
    var backward = Number(chosen.dataset.index) < Number(card.dataset.stageIndex);
    select.form.classList.toggle("backward", backward);
  });
})();
