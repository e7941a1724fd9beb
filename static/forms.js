// After a failed submit, move focus to the form's error summary, so a screen reader reads it
// and a keyboard user starts from the list of links to the fields (WCAG 3.3.1, 2.4.3).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
