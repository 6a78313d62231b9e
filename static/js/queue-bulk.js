// The queue's bulk bar: each action button is enabled only while at least one case is ticked and
// every ticked case allows that action (its checkbox lists them in data-actions). The server
// still refuses per case; this only keeps the person from asking for what cannot happen.
(function () {
  "use strict";
  document.querySelectorAll("form.bulk").forEach(function (form) {
    var buttons = form.querySelectorAll(".bulk-bar button[name=action]");
    if (!buttons.length) return;
    function refresh() {
      var ticked = Array.prototype.filter.call(form.querySelectorAll("input[name=ids][data-actions]"), function (box) {
        return box.checked;
      });
      buttons.forEach(function (button) {
        var allowed = ticked.length > 0 && ticked.every(function (box) {
          return box.getAttribute("data-actions").split(" ").indexOf(button.value) !== -1;
        });
        button.disabled = !allowed;
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "ids") refresh();
    });
    refresh();
  });
})();
