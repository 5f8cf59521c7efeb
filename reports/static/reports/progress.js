// Polls the report's status while it compiles, updates the progress bar, and reloads
// the page when the report is ready. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-progress-bar");
  var text = document.getElementById("report-progress-text");
  var delay = 1000;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        text.textContent = status.state_label + " · " + status.progress + "%";
        if (status.done) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
}());
