// Progressive enhancement for the booking pages; each works in full without it.
(function () {
  "use strict";
  // Move focus to the error summary, so keyboard and screen reader users start from the list of what to fix.
  // Without JavaScript the summary is still the first thing in the page's main content.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // The state of residence matters only for online sessions: show it once "Online" is chosen.
  // Without JavaScript it stays visible, and the server asks for it only when the format is online.
  var state = document.getElementById("div_id_state_of_residence");
  var formats = document.querySelectorAll("input[name=session_format]");
  if (state && formats.length) {
    var showState = function () {
      var online = document.querySelector("input[name=session_format][value=online]");
      state.hidden = !(online && online.checked);
    };
    for (var i = 0; i < formats.length; i++) {
      formats[i].addEventListener("change", showState);
    }
    showState();
  }
})();
