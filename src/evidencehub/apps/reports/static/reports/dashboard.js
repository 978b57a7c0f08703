/* Draw each dashboard chart from its Vega-Lite spec (read from a
   json_script element, never from inline script) with vega-embed served by
   this app. If drawing fails the table beside the chart still holds every
   figure, so the failure is shown quietly, not as an error page. */
(function () {
  "use strict";

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-spec"));
    if (!source || typeof window.vegaEmbed !== "function") {
      return Promise.resolve();
    }
    var spec = JSON.parse(source.textContent);
    // the figure's caption already names the chart; the title stays in the
    // spec for the PDF, where there is no caption
    delete spec.title;
    box.textContent = "";
    return window
      .vegaEmbed(box, spec, { actions: false, renderer: "svg" })
      .then(function () {
        box.setAttribute("data-drawn", "true");
      })
      .catch(function () {
        box.setAttribute("data-drawn", "failed");
        box.textContent = box.getAttribute("aria-label") || "";
      });
  }

  function start() {
    var boxes = document.querySelectorAll("[data-spec]");
    var jobs = [];
    for (var i = 0; i < boxes.length; i += 1) {
      jobs.push(draw(boxes[i]));
    }
    Promise.all(jobs).then(function () {
      document.documentElement.setAttribute("data-charts", "ready");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
