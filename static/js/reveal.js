// "Show full number": asks the server for a masked personal value (each view is recorded there) and
// puts it in place of the masked text, the `.phone` element just before the button.
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-reveal]");
    if (!button) return;
    button.disabled = true;
    fetch(button.dataset.reveal, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((body) => {
        let target = button.previousElementSibling;
        if (!target || !target.classList.contains("phone")) {
          target = document.createElement("span");
          target.className = "phone";
          button.before(target);
        }
        target.textContent = body.value;
        target.dataset.revealed = "1";
        button.remove();
      })
      .catch(() => {
        button.disabled = false;
      });
  });
})();
