/* Small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers and keyboard users start there.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // A form marked data-once is sent only once (the final complaint submit on a slow connection).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
      });
    });
  });

  // A print button only where printing is possible.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    if (typeof window.print === "function") {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    }
  });
})();
