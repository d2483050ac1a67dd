// Move focus to the error summary, so keyboard and screen reader users start from the list of what to fix.
// Without JavaScript the summary is still the first thing in the page's main content.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
