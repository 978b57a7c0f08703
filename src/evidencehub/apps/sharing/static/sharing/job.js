// Polls the job's JSON status and updates the progress bar; without
// JavaScript the "Check again" link reloads the page instead.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var step = document.getElementById("job-step");
  var error = document.getElementById("job-error");
  var download = document.getElementById("job-download");
  var link = document.getElementById("job-download-link");
  var refresh = document.getElementById("job-refresh");
  var last = box.getAttribute("data-state");

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    percent.textContent = data.percent + "%";
    if (data.state === "done") {
      step.textContent = box.getAttribute("data-ready") || "Ready.";
      if (data.download) { link.href = data.download; }
      if (data.filename) { link.textContent = link.textContent.split(" (")[0] + " (" + data.filename + ")"; }
      download.hidden = false;
      refresh.hidden = true;
    } else if (data.state === "failed") {
      step.textContent = "";
      error.textContent = data.error;
      error.hidden = false;
      refresh.hidden = true;
    } else if (data.step) {
      step.textContent = data.step;
    }
    last = data.state;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) { show(data); }
        if (!data || (data.state !== "done" && data.state !== "failed")) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  if (last !== "done" && last !== "failed") { poll(); }
})();
