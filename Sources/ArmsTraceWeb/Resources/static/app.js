// ArmsTrace: the little JavaScript the pages use. Every page works without it; this only adds conveniences.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Print buttons, hidden until there is a script to press them.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A form that came back with problems: move focus to their summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Forms that change something are sent once: a second press while the first is on its way does nothing.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  });
});
