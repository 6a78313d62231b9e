// The intake page with no signal. It installs the service worker (offline-sw.js) that keeps the
// page, its files and the cells; a report submitted while offline (or on the kept offline copy)
// is stored in IndexedDB with its own idempotency key (a UUID), the photos resized on the phone,
// the location fix with its accuracy and time, and the time it was written (observed_at). The
// list "waiting to send" shows it until the connection returns; then each report is posted to the
// intake form (JSON answer) with its key: the server files it once, and a resend answers with the
// first case. A report leaves the phone only when the server has answered for it. A stale session
// stops the sending and asks for a login; the reports stay. Online, the form posts as before (with
// its one-time token).
(function () {
  "use strict";

  const form = document.getElementById("intake-form");
  const box = document.querySelector("[data-offline-queue]");
  if (!form || !box || !window.indexedDB) return;
  const labels = document.getElementById("intake-labels").dataset;
  const list = box.querySelector("[data-queue-list]");
  const sentList = box.querySelector("[data-sent-list]");
  const statusLine = box.querySelector("[data-queue-status]");
  const loginBox = box.querySelector("[data-queue-login]");
  const sendButton = box.querySelector("[data-queue-send]");
  const me = form.dataset.user;
  const offlineCopy = form.dataset.offlineCopy === "1";
  const intakeUrl = form.dataset.intakeUrl;
  const FIELDS = ["category", "description", "severity", "address", "grid_cell", "latitude", "longitude", "location_accuracy"];
  const MAX_SIDE = 1600;  // photos are resized to this long side before they are kept
  const RETRY_MS = 30000;

  // --- The service worker ----------------------------------------------------------------------
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "refreshed") form.dataset.offlineReady = event.data.version;
    });
    navigator.serviceWorker.register(form.dataset.swUrl, { scope: form.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        // Online on the live page: renew the kept copy (cells and categories may have changed).
        if (!offlineCopy && navigator.onLine && registration.active) registration.active.postMessage({ type: "refresh" });
      })
      .catch(function () { /* no worker: the queue still works while the page stays open */ });
  }

  // --- IndexedDB ----------------------------------------------------------------------------------
  const DB_NAME = "grid-intake";
  const STORE = "reports";
  let dbPromise = null;

  function requestDone(request) {
    return new Promise(function (resolve, reject) {
      request.addEventListener("success", function () { resolve(request.result); });
      request.addEventListener("error", function () { reject(request.error); });
    });
  }

  function db() {
    if (!dbPromise) {
      const opening = indexedDB.open(DB_NAME, 1);
      opening.addEventListener("upgradeneeded", function () {
        opening.result.createObjectStore(STORE, { keyPath: "key" });
      });
      dbPromise = requestDone(opening);
    }
    return dbPromise;
  }

  function store(mode) {
    return db().then(function (database) { return database.transaction(STORE, mode).objectStore(STORE); });
  }

  function allReports() {
    return store("readonly").then(function (s) { return requestDone(s.getAll()); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.observed_at < b.observed_at ? -1 : 1; });
    });
  }
  function putReport(report) { return store("readwrite").then(function (s) { return requestDone(s.put(report)); }); }
  function dropReport(key) { return store("readwrite").then(function (s) { return requestDone(s.delete(key)); }); }

  // --- Writing a report offline ---------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function resize(file) {
    // Drawn on a canvas at most MAX_SIDE wide or high and kept as JPEG: a phone photo of several
    // megabytes becomes a few hundred kilobytes, which fits the storage and a weak connection.
    if (!window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function queueMode() {
    return offlineCopy || !navigator.onLine;
  }

  form.addEventListener("submit", function (event) {
    // "Add my report to this case" posts elsewhere, online only.
    if (event.submitter && event.submitter.getAttribute("formaction")) return;
    if (!queueMode()) return;  // online: the ordinary post, with the form's one-time token
    event.preventDefault();
    keepReport();
  });

  function keepReport() {
    const data = new FormData(form);
    const category = form.querySelector("select[name=category]");
    const chosen = category.selectedOptions[0];
    const report = {
      key: newKey(),
      owner: me,
      category_label: chosen ? chosen.textContent : "",
      fixed_on_spot: data.get("fixed_on_spot") ? "true" : "",
      located_at: form.dataset.locatedAt || "",
      observed_at: new Date().toISOString(),
      state: "waiting",
      error: "",
    };
    FIELDS.forEach(function (name) { report[name] = String(data.get(name) || ""); });
    const files = data.getAll("photos").filter(function (file) { return file && file.size; });
    return Promise.all(files.map(resize)).then(function (photos) {
      report.photos = photos;
      return putReport(report);
    }).then(function () {
      form.reset();
      const domain = form.querySelector("[data-domain-select]");
      if (domain) setTimeout(function () { domain.dispatchEvent(new Event("change")); }, 0);
      statusLine.textContent = labels.queued;
      return render();
    }).then(send);
  }

  // --- The list "waiting to send" -------------------------------------------------------------
  function time(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString();
  }

  function render() {
    return allReports().then(function (reports) {
      list.textContent = "";
      reports.forEach(function (report) {
        const item = document.createElement("li");
        item.className = "queued " + report.state;
        item.dataset.testid = "queued-report";
        item.dataset.key = report.key;
        item.dataset.state = report.state;
        const title = document.createElement("strong");
        title.textContent = report.category_label;
        const text = document.createElement("span");
        text.textContent = " " + report.description.slice(0, 80);
        const meta = document.createElement("small");
        meta.className = "muted";
        let state = labels.waiting;
        if (report.owner !== me) state = labels.otherUser;
        else if (report.state === "refused") state = labels.refused + ": " + report.error;
        meta.textContent = " · " + labels.observed + " " + time(report.observed_at) + " · " +
          (report.photos || []).length + " 📷 · " + state;
        item.append(title, text, meta);
        if (report.state === "refused") {
          const discard = document.createElement("button");
          discard.type = "button";
          discard.className = "button secondary";
          discard.dataset.testid = "queued-discard";
          discard.textContent = labels.discard;
          discard.addEventListener("click", function () { dropReport(report.key).then(render); });
          item.appendChild(discard);
        }
        list.appendChild(item);
      });
      box.dataset.count = String(reports.length);
      box.hidden = reports.length === 0 && !sentList.children.length;
      if (reports.length && !statusLine.textContent) statusLine.textContent = labels.count + " " + reports.length;
      return reports;
    });
  }

  function showSent(report, body) {
    const item = document.createElement("li");
    item.dataset.testid = "sent-report";
    item.dataset.key = report.key;
    const link = document.createElement("a");
    link.href = body.url;
    link.textContent = body.code;
    item.append(report.category_label + " · " + labels.sent + " ", link);
    sentList.appendChild(item);
  }

  // --- Sending ------------------------------------------------------------------------------------
  function csrfToken() {
    const cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(report) {
    const body = new FormData();
    FIELDS.forEach(function (name) { if (report[name]) body.append(name, report[name]); });
    ["fixed_on_spot", "located_at", "observed_at"].forEach(function (name) { if (report[name]) body.append(name, report[name]); });
    body.append("idempotency_key", report.key);
    (report.photos || []).forEach(function (photo, i) { body.append("photos", photo, "photo-" + (i + 1) + ".jpg"); });
    return fetch(intakeUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": report.key },
    });
  }

  function loggedOut(response) {
    // login_required answers with the login page (a redirect the fetch followed); a CSRF refusal
    // after the session changed is the same story: log in again, then the queue resumes.
    return (response.redirected && new URL(response.url).pathname !== new URL(intakeUrl, location.href).pathname) ||
      response.status === 401 || response.status === 403;
  }

  function errorText(body) {
    if (!body) return "";
    if (body.detail) return body.detail;
    const errors = body.errors || {};
    return Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
  }

  let sending = false;
  let retry = null;

  function send() {
    if (sending) return Promise.resolve();
    if (!navigator.onLine) {
      return render().then(function (reports) { if (reports.length) statusLine.textContent = labels.offline; });
    }
    sending = true;
    clearTimeout(retry);
    statusLine.textContent = labels.sending;
    return allReports().then(function (reports) {
      const mine = reports.filter(function (r) { return r.owner === me && r.state === "waiting"; });
      // One after another: the server numbers cases in order, and a weak link carries one upload better.
      return mine.reduce(function (chain, report) {
        return chain.then(function (go) {
          if (!go) return false;
          return post(report).then(function (response) {
            if (loggedOut(response)) {
              loginBox.hidden = false;
              return false;
            }
            const json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
            return (json ? response.json() : Promise.resolve(null)).then(function (body) {
              if ((response.status === 200 || response.status === 201) && body) {
                showSent(report, body);
                return dropReport(report.key).then(function () { return true; });
              }
              if (response.status === 400 || response.status === 409) {
                // Refused as it stands (e.g. written more than a week ago): shown, kept until discarded.
                report.state = "refused";
                report.error = errorText(body);
                return putReport(report).then(function () { return true; });
              }
              return false;  // the server is unwell: try again later
            });
          }, function () { return false; });  // no connection after all
        });
      }, Promise.resolve(true)).then(function (finished) {
        if (finished) loginBox.hidden = true;
        return finished;
      });
    }).then(function (finished) {
      sending = false;
      statusLine.textContent = "";
      return render().then(function (reports) {
        const waiting = reports.filter(function (r) { return r.owner === me && r.state === "waiting"; });
        if (waiting.length && finished) {
          retry = setTimeout(send, 0);  // written while the last round was on its way
        } else if (waiting.length && loginBox.hidden) {
          statusLine.textContent = labels.offline;
          retry = setTimeout(send, RETRY_MS);
        }
        box.dataset.idle = "1";
      });
    }, function () { sending = false; });
  }

  sendButton.addEventListener("click", function () { loginBox.hidden = true; send(); });
  window.addEventListener("online", function () { send(); });
  window.addEventListener("offline", function () { render(); });
  render().then(function (reports) { if (reports.length) send(); });
})();
