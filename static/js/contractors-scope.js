// The contract form's scope: a search box filters the long enterprise multi-select by name or
// credit code; chosen options stay chosen (and shown) whatever the filter.
(function () {
  "use strict";
  document.querySelectorAll("input.scope-filter[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = needle !== "" && !option.selected && option.text.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
})();
