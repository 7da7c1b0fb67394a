// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On a phone, fold the filter panel once results (or why there are none) show, so they
  // come first.
  var filters = document.getElementById("filters");
  var results = document.querySelector(".cards li, .nothing");
  var invalid = filters && filters.querySelector("[aria-invalid='true']");
  if (filters && results && !invalid && window.matchMedia("(max-width: 49.99rem)").matches) {
    filters.removeAttribute("open");
  }
  // The address carries only the filters that are set: blank fields are not sent (the
  // server ignores them too, so without this file the answer is the same, the URL longer).
  var form = document.getElementById("search-form");
  if (form) {
    form.addEventListener("submit", function () {
      var fields = form.elements; // with the sort and view lists outside the form
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        if (field.name && !field.disabled && field.type !== "checkbox" && field.value === "") {
          field.disabled = true;
        }
      }
      // a page restored from the back/forward cache gets its fields back
      window.addEventListener("pageshow", function () {
        for (var j = 0; j < fields.length; j++) { fields[j].disabled = false; }
      }, { once: true });
    });
  }
})();
