// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On a phone, fold the filter panel once results are showing, so they come first.
  var filters = document.getElementById("filters");
  var results = document.querySelector(".cards li");
  var invalid = filters && filters.querySelector("[aria-invalid='true']");
  if (filters && results && !invalid && window.matchMedia("(max-width: 49.99rem)").matches) {
    filters.removeAttribute("open");
  }
})();
