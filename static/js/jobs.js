/* The job page (/staff/jobs/<id>/) polls /api/v1/jobs/<id>/ every 2 s while the job runs and updates the
   <progress> bar, the percentage and the message; when the job ends the page reloads once to show the download
   link or the error. Without JavaScript the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch) { return; }
  var state = box.getAttribute("data-state");
  if (state === "done" || state === "failed") { return; }
  var api = box.getAttribute("data-api");
  var bar = document.getElementById("job-progress");
  var pct = document.getElementById("job-percent");
  var msg = document.getElementById("job-message");
  function tick() {
    fetch(api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { window.setTimeout(tick, 2000); return; }
        if (d.percent !== null && d.percent !== undefined) {
          bar.value = d.percent;
          bar.textContent = d.percent + "%";
          pct.textContent = d.percent + " %" + (d.total ? " (" + d.done + " / " + d.total + ")" : "");
        }
        if (d.state !== "failed") { msg.textContent = d.message || ""; }
        if (d.state === "done" || d.state === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 2000);
}());
