// Test-page helper: a JavaScript call to the snippet's API.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("js-call");
  if (!button) return;
  button.addEventListener("click", function () {
    if (window.evidencehub) {
      window.evidencehub.track("micro_survey_answered", { value: 7 });
      document.getElementById("snippet-status").textContent = "Sent.";
    }
  });
});
