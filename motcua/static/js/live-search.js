/*
 * Live search on the catalogue page (catalog/search.html): htmx fetches the results as the
 * resident types, and replaces the address (hx-replace-url, i.e. history.replaceState) so the Back
 * button leaves the search instead of stepping through every keystroke.
 *
 * The results list is not a live region (a screen reader would read the whole list at every
 * keystroke). After each swap this script writes only the number of results into a separate,
 * polite status region:
 *
 *   <p id="results-count" role="status" data-none="…" data-one="… {n} …" data-many="… {n} …">
 *
 * The count is that of the items of the results list (.mc-result-list > li) in #results; when
 * the list says more pages follow (data-more), the message says so instead of a total it does
 * not know.
 */
(function () {
  "use strict";

  function announce() {
    var region = document.getElementById("results-count");
    var results = document.getElementById("results");
    if (!region || !results) return;
    var input = document.getElementById("q");
    if (input && !input.value.trim()) {
      region.textContent = "";
      return;
    }
    var n = results.querySelectorAll(".mc-result-list > li").length;
    var more = results.querySelector(".mc-result-list[data-more]") !== null;
    var template = n === 0 ? region.dataset.none : n === 1 ? region.dataset.one : region.dataset.many;
    if (more) template = region.dataset.more;
    var message = (template || "").replace("{n}", String(n));
    // Writing the same text again is not announced: clear first when it has not changed.
    if (region.textContent === message) region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "results") announce();
  });
})();
