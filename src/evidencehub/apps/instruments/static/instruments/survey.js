/*! Survey page helper (Prevention Evidence Hub, AGPL-3.0-or-later).
 * Shows the crisis-resources panel at once when a safety item is answered
 * above its threshold; the server shows it again after submitting. */
(function () {
  "use strict";
  var panel = document.getElementById("crisis");
  if (!panel) return;
  function check(focus) {
    var show = false;
    var sets = document.querySelectorAll("fieldset[data-risk-above]");
    for (var i = 0; i < sets.length; i++) {
      var above = parseInt(sets[i].getAttribute("data-risk-above"), 10) || 0;
      var picked = sets[i].querySelector("input[type=radio]:checked");
      if (picked && parseInt(picked.value, 10) > above) show = true;
    }
    var wasHidden = panel.hidden;
    if (show) panel.hidden = false;
    if (show && wasHidden && focus) {
      panel.scrollIntoView({ block: "start" });
      panel.focus({ preventScroll: true });
    }
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-risk")) check(true);
  });
  check(false);
})();
