// The notification bell: its unread count is fetched after the page loads (so that rendering a
// page costs no query for it) and refreshed every minute while the page is visible.
(function () {
  "use strict";

  const bell = document.querySelector("[data-bell]");
  if (!bell || !window.fetch) return;
  const badge = bell.querySelector("[data-bell-count]");

  function refresh() {
    if (document.visibilityState === "hidden") return;
    fetch(bell.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        const n = body.unread || 0;
        badge.textContent = n > 99 ? "99+" : String(n);
        badge.hidden = n === 0;
        bell.dataset.unread = String(n);
      })
      .catch(function () { /* offline: keep the last number */ });
  }
  refresh();
  setInterval(refresh, 60000);
  document.addEventListener("visibilitychange", refresh);
})();
