/* Small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Risk screening: a follow-up question is shown only when its parent is answered "yes". */
  function updateFollowUps(root) {
    root.querySelectorAll("[data-shown-if]").forEach(function (block) {
      var form = block.closest("form");
      if (!form) { return; }
      var parent = form.querySelector('input[type="radio"][data-question="' + block.dataset.shownIf + '"]:checked');
      var show = parent !== null && parent.value === "yes";
      block.hidden = !show;
      block.querySelectorAll("input").forEach(function (input) { input.disabled = !show; });
    });
    root.querySelectorAll("[data-follow-up-hint]").forEach(function (hint) { hint.hidden = true; });
  }

  function focusFirst(root) {
    var target = root.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    updateFollowUps(document);
    focusFirst(document);
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches('input[type="radio"][data-question]')) { updateFollowUps(document); }
  });

  /* After htmx replaces a checklist item, put the keyboard focus back on it. */
  document.addEventListener("htmx:afterSettle", function () {
    updateFollowUps(document);
    var focus = document.querySelector("[data-focus-after-swap]");
    if (focus) {
      focus.removeAttribute("data-focus-after-swap");
      focus.focus();
    }
  });
})();
