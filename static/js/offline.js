/* A deputy's activity entries made with no network (issue: logging activities in villages with no signal).
 * - registers the service worker (static/js/sw.js, served at /me/sw.js) that keeps the pages for offline use;
 * - on the activity form, gives each entry a key made on the phone (a resend is recorded once: the server
 *   keeps the key) and, with no network, keeps the entry (photos included) in IndexedDB instead of sending;
 * - whenever the network is back (and on every deputy page), sends what is kept, with a fresh CSRF token;
 * - lists on the form page what is waiting, what was sent and what the server refused.
 * Texts come translated from data attributes in templates/me/offline_queue.html. */
(function () {
  "use strict";
  var DB_NAME = "congress-offline";
  var STORE = "activities";
  var script = document.currentScript;
  var config = {
    worker: script && script.dataset.worker,
    form: script && script.dataset.form,
    login: script && script.dataset.login,
    scope: script && script.dataset.scope,
  };

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function put(entry) { return withStore("readwrite", function (store) { store.put(entry); }); }
  function remove(key) { return withStore("readwrite", function (store) { store.delete(key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; an intranet served over plain http still has getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function entryFrom(form) {
    var data = new FormData(form);
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (typeof value === "string") fields.push([name, value]);
      else if (value.size) files.push([name, value]);
    });
    return {
      key: data.get("client_key"),
      url: new URL(form.action || window.location.href, window.location.href).pathname,
      fields: fields,
      files: files,
      status: "waiting",
      created: new Date().toISOString(),
      summary: [data.get("date"), data.get("place")].filter(Boolean).join(" · "),
    };
  }

  function isLogin(response) {
    return config.login && new URL(response.url).pathname === config.login;
  }

  // One entry, as the form would have sent it. Resolves to the entry with its new status.
  function send(entry) {
    return fetch(entry.url, { credentials: "same-origin" }).then(function (page) {
      if (isLogin(page)) return Object.assign({}, entry, { status: "login" });
      return page.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var token = doc.querySelector("input[name=csrfmiddlewaretoken]");
        var body = new FormData();
        entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
        entry.files.forEach(function (pair) { body.append(pair[0], pair[1], pair[1].name); });
        body.append("csrfmiddlewaretoken", token ? token.value : "");
        return fetch(entry.url, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
          if (isLogin(response)) return Object.assign({}, entry, { status: "login" });
          // The form answers a recorded entry (a first send or a resend) by sending the browser on to it.
          if (response.ok && response.redirected) {
            return Object.assign({}, entry, { status: "sent", record: response.url, files: [], sent: new Date().toISOString() });
          }
          return Object.assign({}, entry, { status: "failed" });
        });
      });
    });
  }

  var flushing = null;
  function flush() {
    if (!navigator.onLine) return Promise.resolve();
    if (flushing) return flushing;
    flushing = all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.status === "waiting" || e.status === "login"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(put).catch(function () { /* still no network: try again later */ });
        });
      }, Promise.resolve());
    }).then(render, render).then(function () { flushing = null; }, function () { flushing = null; });
    return flushing;
  }

  function render() {
    var box = document.querySelector("[data-offline-queue]");
    if (!box) return Promise.resolve();
    return all().then(function (entries) {
      var list = box.querySelector("[data-offline-list]");
      list.replaceChildren();
      entries.sort(function (a, b) { return a.created < b.created ? 1 : -1; });
      var texts = { waiting: box.dataset.textWaiting, sent: box.dataset.textSent, failed: box.dataset.textFailed, login: box.dataset.textLogin };
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
        item.dataset.offlineEntry = entry.key;
        item.dataset.status = entry.status;
        var label = document.createElement("span");
        label.textContent = entry.summary || entry.created.slice(0, 10);
        var state = document.createElement("span");
        state.className = "badge " + (entry.status === "sent" ? "text-bg-success" : entry.status === "failed" ? "text-bg-danger" : "text-bg-warning");
        state.textContent = texts[entry.status] || entry.status;
        item.append(label, state);
        if (entry.record) {
          var link = document.createElement("a");
          link.href = entry.record;
          link.textContent = box.dataset.textOpen;
          item.append(link);
        }
        list.append(item);
      });
      box.hidden = entries.length === 0;
      var waiting = entries.some(function (e) { return e.status !== "sent"; });
      box.querySelector("[data-offline-send]").hidden = !waiting;
    });
  }

  function forget() {
    // Sent and refused entries are shown for a week, then dropped from the phone.
    var weekAgo = new Date(Date.now() - 7 * 864e5).toISOString();
    return all().then(function (entries) {
      return Promise.all(entries.filter(function (e) {
        return (e.status === "sent" && e.sent < weekAgo) || (e.status === "failed" && e.created < weekAgo);
      })
        .map(function (e) { return remove(e.key); }));
    });
  }

  function notice(form, text) {
    var alert = document.createElement("div");
    alert.className = "alert alert-warning";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    form.parentNode.insertBefore(alert, form);
  }

  function prepare(form) {
    var key = form.querySelector("[name=client_key]");
    if (key && !key.value) key.value = newKey();
    if (new URLSearchParams(window.location.search).get("kept")) notice(form, form.dataset.savedText);
    form.addEventListener("submit", function (event) {
      if (navigator.onLine || !window.indexedDB) return;
      event.preventDefault();
      put(entryFrom(form)).then(function () {
        form.reset();
        key.value = newKey();
        notice(form, form.dataset.savedText);
        render();
      });
    });
  }

  window.congressOffline = { flush: flush, send: send, all: all, render: render };

  document.addEventListener("DOMContentLoaded", function () {
    if ("serviceWorker" in navigator && config.worker) {
      navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(function () {});
    }
    var form = document.querySelector("form[data-offline-form]");
    if (form) prepare(form);
    var sendNow = document.querySelector("[data-offline-send]");
    if (sendNow) sendNow.addEventListener("click", flush);
    if (window.indexedDB) forget().then(render).then(flush);
  });
  window.addEventListener("online", flush);
})();
