// The photo picker of every form that takes photos (templates/components/photo_picker.html): the
// file input sits under a big visible button; what was chosen shows as thumbnails, each with a
// remove button, and choosing again adds to the selection instead of replacing it. The input's
// FileList is rebuilt with DataTransfer, so the form sends exactly the thumbnails shown.
(function () {
  "use strict";

  function setUp(box) {
    const input = box.querySelector("input[type=file]");
    const list = box.querySelector("[data-photo-previews]");
    if (!input || !list || box.dataset.ready) return;
    box.dataset.ready = "1";
    const max = Number(box.dataset.max || 9);
    let chosen = [];
    const canRebuild = typeof DataTransfer !== "undefined";

    function sync() {
      if (canRebuild) {
        const transfer = new DataTransfer();
        chosen.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      }
      input.setCustomValidity(chosen.length > max ? box.dataset.tooMany : "");
      render();
    }

    function render() {
      list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
      list.textContent = "";
      chosen.forEach(function (file, index) {
        const item = document.createElement("li");
        item.className = "thumb";
        const img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        item.appendChild(img);
        if (canRebuild) {
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "thumb-remove";
          remove.dataset.testid = "photo-remove";
          remove.setAttribute("aria-label", (box.dataset.removeLabel || "Remove") + " " + (index + 1));
          remove.textContent = "×";
          remove.addEventListener("click", function () {
            chosen.splice(index, 1);
            sync();
          });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
      box.dataset.count = String(chosen.length);
    }

    input.addEventListener("change", function () {
      const picked = Array.from(input.files || []);
      chosen = canRebuild ? chosen.concat(picked) : picked;
      sync();
      if (chosen.length > max) input.reportValidity();
    });
    // A form reset (the offline queue keeps a report, then clears the form) empties the selection.
    if (input.form) {
      input.form.addEventListener("reset", function () { chosen = []; setTimeout(sync, 0); });
    }
    // The page restored from history starts from what the input holds.
    chosen = Array.from(input.files || []);
    render();
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-photo-picker]").forEach(setUp);
  }
  window.PhotoPicker = { setUpAll: setUpAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  else setUpAll();
})();
