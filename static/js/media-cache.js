/**
 * media-cache.js — the localStorage cache of a person's most recent media.
 *
 * One dependency-free script for the gallery and for any frontend on the same origin.
 * It reads its configuration from attributes on <body> (no inline script):
 *   data-owner-key  public key of the current owner (a guest or an account); required for
 *                   anything to be cached
 *   data-api-base   where the JSON API lives (default "/api")
 *   data-page       "gallery" | "detail" | "auth" | "other"
 *   data-offline    "1" when the server could not read its database and served its 503 page
 *
 * localStorage keys (wire records, newest first, at most 10 per type):
 *   mediaapp:v1:<ownerKey>:image    mediaapp:v1:<ownerKey>:video
 *   mediaapp:v1:<ownerKey>:queue    saves waiting to be sent, oldest first
 * On start every mediaapp:v1: key of another owner is removed, so a shared browser never
 * shows one person's items to the next; submitting a form marked data-cache-clear (logout)
 * removes them all.
 *
 * Public API — window.MediaCache:
 *   ownerKey          the current owner's key ("" when the page names none)
 *   cached(type?)     the cached records of "image" or "video"; without a type both, merged,
 *                     newest first by createdAt
 *   load(type?)       dispatches "mediacache:update" at once with the cached records
 *                     (source "cache"), asks GET <api>/media/list?limit=10&type=… for each
 *                     type, replaces the cache and dispatches "mediacache:update" again
 *                     (source "api"). When the network fails or the API answers 5xx it keeps
 *                     the cache, dispatches "mediacache:update" with offline: true plus
 *                     "mediacache:offline", and resolves with the cached records: it never
 *                     rejects for being offline.
 *   save(payload)     POSTs a SaveMediaRequest (a requestId is added when missing) and
 *                     resolves {record, queued:false}. A network failure or 5xx queues it in
 *                     localStorage and resolves {record:null, queued:true}; a refusal (4xx)
 *                     rejects with an Error carrying .status and .body (the envelope) and is
 *                     never queued.
 *   flush()           sends the queued saves in order with their original requestId, so a
 *                     retry never duplicates; a refused one is dropped and reported with
 *                     "mediacache:rejected"; the first network failure or 5xx stops the run.
 *                     Runs on start, on the browser's "online" event and every 15 s while
 *                     the queue is not empty. Resolves {sent, rejected, remaining}.
 *   remove(id)        DELETE <api>/media/<id>, then drops the record from the cache (also when
 *                     the server answers 404). Resolves with the deleted record or null.
 *   clear()           removes every mediaapp:v1: key.
 *
 * Events, all dispatched on document with the data in event.detail:
 *   mediacache:update   {type, items, source: "cache"|"api", offline}
 *   mediacache:offline  {queued}
 *   mediacache:online   {}
 *   mediacache:saved    {record, replayed}
 *   mediacache:rejected {payload, status, body}
 *
 * On the gallery (data-page="gallery" or a #media-grid on the page) it keeps the cache fresh
 * with load(); the server-rendered grid stays the source of truth. Only when the page is the
 * server's 503 shell (data-offline="1"), or the grid is empty and the API cannot be reached,
 * does it paint the cached records into #media-grid as .media-card.is-cached cards (built with
 * textContent; a URL reaches src/href/poster only if it is http(s) or a single-"/" path), and
 * it shows #offline-notice until an API call succeeds. A successful htmx delete of a card
 * (form.media-card__delete) drops that record from the cache.
 *
 * Rate limiting (429), request timeouts (408) and a 2xx answer that is not the API's JSON
 * envelope (a captive portal's page) are treated like 5xx: the request may succeed later,
 * so a save is queued rather than lost.
 */
(function () {
  "use strict";

  const PREFIX = "mediaapp:v1:";
  const TYPES = ["image", "video"];
  const MAX_PER_TYPE = 10;
  const FLUSH_INTERVAL_MS = 15000;
  const REQUEST_TIMEOUT_MS = 10000;
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const OFFLINE_TEXT =
    "You're offline — showing your most recent saved items. " +
    "Changes will sync when the connection returns.";

  let config = null;
  let flushTimer = null;
  let flushing = null;
  let isOffline = false;
  const pendingDeletes = new WeakSet();

  // ---------------------------------------------------------------- configuration

  function readConfig() {
    if (config) {
      return config;
    }
    const body = document.body;
    const data = body ? body.dataset : {};
    const result = {
      ownerKey: typeof data.ownerKey === "string" ? data.ownerKey.trim() : "",
      apiBase: (data.apiBase || "/api").replace(/\/+$/, ""),
      page: data.page || "",
      offline: data.offline === "1",
    };
    if (body) {
      config = result; // only settle once <body> exists
    }
    return result;
  }

  function keyFor(suffix) {
    const owner = readConfig().ownerKey;
    return owner ? PREFIX + owner + ":" + suffix : null;
  }

  // ---------------------------------------------------------------- storage (never throws)

  function storageGet(key) {
    if (!key) {
      return null;
    }
    try {
      const raw = window.localStorage.getItem(key);
      return raw === null ? null : JSON.parse(raw);
    } catch (_err) {
      return null; // private mode, storage disabled, or a value that is not JSON
    }
  }

  function storageSet(key, value) {
    if (!key) {
      return false;
    }
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_err) {
      return false; // quota exceeded or storage unavailable
    }
  }

  function storageRemove(key) {
    if (!key) {
      return;
    }
    try {
      window.localStorage.removeItem(key);
    } catch (_err) {
      /* storage unavailable: nothing to remove */
    }
  }

  function storageKeys() {
    const keys = [];
    try {
      const store = window.localStorage;
      for (let i = 0; i < store.length; i += 1) {
        const key = store.key(i);
        if (key !== null) {
          keys.push(key);
        }
      }
    } catch (_err) {
      /* storage unavailable */
    }
    return keys;
  }

  // ---------------------------------------------------------------- records

  function isRecord(value) {
    return (
      value !== null &&
      typeof value === "object" &&
      typeof value.id === "string" &&
      UUID_RE.test(value.id) &&
      TYPES.includes(value.type)
    );
  }

  function timeOf(record) {
    const t = Date.parse(record.createdAt);
    return Number.isNaN(t) ? 0 : t;
  }

  function newestFirst(items) {
    return items.slice().sort((a, b) => timeOf(b) - timeOf(a));
  }

  function checkType(type) {
    if (!TYPES.includes(type)) {
      throw new TypeError('type must be "image" or "video", got ' + String(type));
    }
  }

  function readType(type) {
    const stored = storageGet(keyFor(type));
    return Array.isArray(stored) ? stored.filter((r) => isRecord(r) && r.type === type) : [];
  }

  function writeType(type, items) {
    const seen = new Set();
    const kept = [];
    for (const item of newestFirst(items)) {
      if (isRecord(item) && item.type === type && !seen.has(item.id)) {
        seen.add(item.id);
        kept.push(item);
      }
    }
    storageSet(keyFor(type), kept.slice(0, MAX_PER_TYPE));
  }

  function putRecord(record) {
    if (!isRecord(record)) {
      return;
    }
    const others = readType(record.type).filter((r) => r.id !== record.id);
    writeType(record.type, [record].concat(others));
  }

  function dropRecord(id) {
    for (const type of TYPES) {
      const items = readType(type);
      const rest = items.filter((r) => r.id !== id);
      if (rest.length !== items.length) {
        storageSet(keyFor(type), rest);
      }
    }
  }

  function readQueue() {
    const stored = storageGet(keyFor("queue"));
    return Array.isArray(stored)
      ? stored.filter((e) => e && typeof e === "object" && e.payload && e.payload.requestId)
      : [];
  }

  function writeQueue(entries) {
    const key = keyFor("queue");
    if (entries.length === 0) {
      storageRemove(key);
      return true;
    }
    return storageSet(key, entries);
  }

  function newRequestId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID exists only in secure contexts; a plain-http LAN deployment still has this.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  // ---------------------------------------------------------------- events and the notice

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function offlineText() {
    const queued = readQueue().length;
    if (queued === 0) {
      return OFFLINE_TEXT;
    }
    const what = queued === 1 ? "1 save is" : queued + " saves are";
    return OFFLINE_TEXT + " " + what + " waiting to sync.";
  }

  function showOffline() {
    const wasOffline = isOffline;
    isOffline = true;
    const notice = document.getElementById("offline-notice");
    if (notice) {
      notice.textContent = offlineText();
      notice.hidden = false;
    }
    if (!wasOffline) {
      emit("mediacache:offline", { queued: readQueue().length });
    }
  }

  function showOnline() {
    const wasOffline = isOffline;
    isOffline = false;
    const notice = document.getElementById("offline-notice");
    if (notice) {
      notice.hidden = true;
      notice.textContent = "";
    }
    if (wasOffline) {
      emit("mediacache:online", {});
    }
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * One API call. Resolves {ok, status, body, offline}; never rejects.
   * offline is true for a network failure, a timeout, 5xx, 408 and 429.
   */
  async function call(method, path, payload) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    const init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    };
    if (payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    let response;
    try {
      response = await fetch(readConfig().apiBase + path, init);
    } catch (_err) {
      return { ok: false, status: 0, body: null, offline: true };
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_err) {
      body = null; // a proxy's HTML error page, or an empty body
    }
    const status = response.status;
    // A 2xx without our envelope is not our API answering (a captive portal, a proxy page):
    // treat it as unreachable, so a queued save is kept rather than counted as done or refused.
    const foreign = response.ok && !(body && body.success === true);
    const transient = status >= 500 || status === 408 || status === 429 || foreign;
    return { ok: response.ok && !foreign, status: status, body: body, offline: transient };
  }

  function refusal(result, fallback) {
    const message = result.body && typeof result.body.error === "string"
      ? result.body.error
      : fallback + " (HTTP " + result.status + ")";
    const error = new Error(message);
    error.status = result.status;
    error.body = result.body;
    return error;
  }

  // ---------------------------------------------------------------- public functions

  /**
   * The cached records, newest first.
   * @param {"image"|"video"} [type] one type; omitted for both, merged by createdAt.
   * @returns {Array<Object>} wire records (copies from localStorage; never throws for storage).
   */
  function cached(type) {
    if (type === undefined || type === null || type === "") {
      return newestFirst(readType("image").concat(readType("video")));
    }
    checkType(type);
    return readType(type);
  }

  async function refresh(type) {
    const types = type ? [type] : TYPES;
    emit("mediacache:update", { type: type || null, items: cached(type), source: "cache",
      offline: false });
    const results = await Promise.all(
      types.map((t) => call("GET", "/media/list?limit=" + MAX_PER_TYPE + "&type=" + t)),
    );
    let offline = false;
    let refused = null;
    results.forEach((result, i) => {
      if (result.ok && result.body && Array.isArray(result.body.data)) {
        writeType(types[i], result.body.data);
      } else if (result.offline) {
        offline = true;
      } else if (!refused) {
        refused = result;
      }
    });
    if (offline) {
      const items = cached(type);
      emit("mediacache:update", { type: type || null, items: items, source: "cache",
        offline: true });
      showOffline();
      return { items: items, offline: true };
    }
    if (refused) {
      throw refusal(refused, "The media list could not be loaded");
    }
    showOnline();
    const items = cached(type);
    emit("mediacache:update", { type: type || null, items: items, source: "api",
      offline: false });
    return { items: items, offline: false };
  }

  /**
   * Show the cache at once, then refresh it from the API.
   * Dispatches "mediacache:update" with source "cache", then with source "api" (or, when the
   * API is unreachable or answers 5xx, source "cache" and offline: true, plus
   * "mediacache:offline").
   * @param {"image"|"video"} [type] one type; omitted for both.
   * @returns {Promise<Array<Object>>} the records now cached; never rejects for being
   *   offline, rejects with an Error carrying .status/.body when the API refuses (4xx).
   */
  async function load(type) {
    if (type !== undefined && type !== null && type !== "") {
      checkType(type);
    }
    return (await refresh(type || null)).items;
  }

  /**
   * Save one generation through the API; queue it when the API cannot be reached.
   * @param {Object} payload a SaveMediaRequest ({type, url, prompt, model, settings, …});
   *   a requestId is generated when missing so a retry can never duplicate it.
   * @returns {Promise<{record: (Object|null), queued: boolean}>} rejects with an Error
   *   carrying .status and .body (the error envelope) when the server refuses the save.
   */
  async function save(payload) {
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      throw new TypeError("save() needs a SaveMediaRequest object");
    }
    const request = Object.assign({}, payload);
    if (typeof request.requestId !== "string" || request.requestId === "") {
      request.requestId = newRequestId();
    }
    const result = await call("POST", "/media/save", request);
    if (result.ok && result.body && isRecord(result.body.data)) {
      putRecord(result.body.data);
      showOnline();
      emit("mediacache:saved", { record: result.body.data, replayed: result.status === 200 });
      if (readQueue().length > 0) {
        flush();
      }
      return { record: result.body.data, queued: false };
    }
    if (result.offline) {
      const queue = readQueue().filter((e) => e.payload.requestId !== request.requestId);
      queue.push({ payload: request, queuedAt: new Date().toISOString() });
      if (!writeQueue(queue)) {
        const error = new Error("You're offline and this browser cannot keep the save for later.");
        error.status = result.status;
        error.body = result.body;
        throw error;
      }
      showOffline();
      scheduleFlush();
      return { record: null, queued: true };
    }
    throw refusal(result, "The save was refused");
  }

  async function runFlush() {
    let sent = 0;
    let rejected = 0;
    for (const entry of readQueue()) {
      const result = await call("POST", "/media/save", entry.payload);
      if (result.offline) {
        showOffline();
        break;
      }
      writeQueue(readQueue().filter((e) => e.payload.requestId !== entry.payload.requestId));
      if (result.ok && result.body && isRecord(result.body.data)) {
        sent += 1;
        putRecord(result.body.data);
        emit("mediacache:saved", { record: result.body.data, replayed: true });
        emit("mediacache:update", { type: result.body.data.type,
          items: cached(result.body.data.type), source: "api", offline: false });
      } else {
        // The server refused it: retrying can never succeed, so keep the queue moving.
        rejected += 1;
        emit("mediacache:rejected", { payload: entry.payload, status: result.status,
          body: result.body });
      }
    }
    const remaining = readQueue().length;
    if (remaining === 0) {
      stopFlushTimer();
      if (sent + rejected > 0) {
        showOnline();
      }
    } else if (isOffline) {
      showOffline(); // refresh the queued count in the notice
    }
    return { sent: sent, rejected: rejected, remaining: remaining };
  }

  /**
   * Send the queued saves, oldest first, each with its original requestId.
   * Concurrent calls share one run, so nothing is sent twice at once.
   * @returns {Promise<{sent: number, rejected: number, remaining: number}>}
   */
  function flush() {
    if (!flushing) {
      flushing = runFlush().finally(() => {
        flushing = null;
        if (readQueue().length > 0) {
          scheduleFlush();
        }
      });
    }
    return flushing;
  }

  /**
   * Delete a record through the API and drop it from the cache.
   * @param {string} id the record's uuid.
   * @returns {Promise<(Object|null)>} the deleted record, or null when the server no longer
   *   had it (404); rejects with an Error (.status, .body) otherwise, .offline when unreachable.
   */
  async function remove(id) {
    const result = await call("DELETE", "/media/" + encodeURIComponent(String(id)));
    if (result.ok || result.status === 404) {
      dropRecord(String(id));
      showOnline();
      return result.ok && result.body ? result.body.data : null;
    }
    if (result.offline) {
      showOffline();
    }
    const error = refusal(result, "The item could not be deleted");
    error.offline = result.offline;
    throw error;
  }

  /**
   * Remove every mediaapp:v1: key from localStorage (all owners, cache and queue).
   * @returns {void}
   */
  function clear() {
    for (const key of storageKeys()) {
      if (key.startsWith(PREFIX)) {
        storageRemove(key);
      }
    }
    stopFlushTimer();
  }

  // ---------------------------------------------------------------- internals

  function purgeOtherOwners() {
    const owner = readConfig().ownerKey;
    if (!owner) {
      return; // a page that names no owner cannot tell whose keys are whose
    }
    for (const key of storageKeys()) {
      if (key.startsWith(PREFIX) && key.slice(PREFIX.length).split(":")[0] !== owner) {
        storageRemove(key);
      }
    }
  }

  function scheduleFlush() {
    if (flushTimer === null) {
      flushTimer = setInterval(() => {
        // Cheap when there is nothing to do or the browser knows it is offline.
        if (readQueue().length === 0) {
          stopFlushTimer();
        } else if (navigator.onLine !== false) {
          flush();
        }
      }, FLUSH_INTERVAL_MS);
    }
  }

  function stopFlushTimer() {
    if (flushTimer !== null) {
      clearInterval(flushTimer);
      flushTimer = null;
    }
  }

  /** A URL allowed into src/href/poster: absolute http(s), or a path with a single "/". */
  function safeUrl(value) {
    if (typeof value !== "string" || value === "" || /[\s\u0000-\u001f\u007f]/.test(value)) {
      return null;
    }
    if (value.startsWith("/")) {
      return value.startsWith("//") || value.includes("\\") ? null : value;
    }
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.host ? value : null;
    } catch (_err) {
      return null;
    }
  }

  /** The card date as the server's cards show it once localised: "Mar 3", or "Mar 3, 2024". */
  function formatDate(iso) {
    const date = new Date(Date.parse(iso));
    if (Number.isNaN(date.getTime())) {
      return { short: String(iso || ""), long: "" };
    }
    const options = { month: "short", day: "numeric" };
    if (date.getFullYear() !== new Date().getFullYear()) {
      options.year = "numeric";
    }
    try {
      return {
        short: new Intl.DateTimeFormat(undefined, options).format(date),
        long: new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" })
          .format(date),
      };
    } catch (_err) {
      return { short: date.toISOString().slice(0, 10), long: date.toISOString() };
    }
  }

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    return node;
  }

  function truncate(value, max) {
    const s = text(value);
    return s.length > max ? s.slice(0, max - 1).trimEnd() + "…" : s;
  }

  function missingPreview(label) {
    const span = el("span", "media-card__media media-card__media--missing");
    span.textContent = "Preview unavailable";
    if (label) {
      span.setAttribute("role", "img");
      span.setAttribute("aria-label", label);
    }
    return span;
  }

  /** One card with the structure of templates/partials/media_card.html, minus delete. */
  function buildCard(record) {
    const card = el("article", "media-card is-cached");
    card.id = "media-" + record.id;
    card.dataset.mediaId = record.id;
    card.dataset.type = record.type;

    const link = el("a", "media-card__link");
    link.href = "/media/" + encodeURIComponent(record.id);
    const src = safeUrl(record.url);
    if (record.type === "video") {
      link.setAttribute("aria-label", "Video: " + truncate(record.prompt, 160));
      if (src) {
        const video = el("video", "media-card__media");
        video.preload = "none";
        video.muted = true;
        video.playsInline = true;
        const poster = safeUrl(record.thumbnailUrl);
        if (poster) {
          video.poster = poster;
        }
        video.src = src;
        link.appendChild(video);
      } else {
        link.appendChild(missingPreview(null));
      }
      const badge = el("span", "media-card__badge");
      badge.textContent = "Video";
      link.appendChild(badge);
    } else if (src) {
      const img = el("img", "media-card__media");
      img.loading = "lazy";
      img.decoding = "async";
      img.alt = truncate(record.prompt, 200);
      img.src = src;
      link.appendChild(img);
    } else {
      link.appendChild(missingPreview(truncate(record.prompt, 200)));
    }
    card.appendChild(link);

    const body = el("div", "media-card__body");
    const prompt = el("p", "media-card__prompt");
    prompt.id = "prompt-" + record.id;
    prompt.textContent = truncate(record.prompt, 240);
    const meta = el("p", "media-card__meta");
    const model = el("span", "media-card__model");
    model.textContent = text(record.model);
    const dot = el("span", "media-card__dot");
    dot.setAttribute("aria-hidden", "true");
    dot.textContent = "·";
    const time = el("time");
    const when = formatDate(record.createdAt);
    time.dateTime = text(record.createdAt);
    time.dataset.format = "short";
    time.textContent = when.short;
    if (when.long) {
      time.title = when.long;
    }
    meta.append(model, " ", dot, " ", time);
    body.append(prompt, meta);
    card.appendChild(body);
    return card;
  }

  function paintCached(grid) {
    const only = grid.dataset.type;
    const items = cached(TYPES.includes(only) ? only : null);
    grid.querySelectorAll(".media-card.is-cached").forEach((node) => node.remove());
    const fragment = document.createDocumentFragment();
    for (const record of items) {
      if (!document.getElementById("media-" + record.id)) {
        fragment.appendChild(buildCard(record));
      }
    }
    grid.appendChild(fragment);
    grid.classList.toggle("is-showing-cache", items.length > 0);
  }

  function initGallery() {
    const grid = document.getElementById("media-grid");
    if (!grid) {
      return;
    }
    if (readConfig().offline) {
      paintCached(grid);
      showOffline();
      // The database may be back already; if so, show the fresh records instead.
      refresh(null).then((outcome) => {
        if (!outcome.offline) {
          paintCached(grid);
        }
      }, () => undefined);
      return;
    }
    const serverRendered = grid.querySelector(".media-card") !== null;
    refresh(null).then((outcome) => {
      if (outcome.offline && !serverRendered) {
        paintCached(grid);
      }
    }, () => undefined);
  }

  function deleteFormOf(event) {
    const elt = event.detail && event.detail.elt;
    return elt instanceof Element ? elt.closest("form.media-card__delete") : null;
  }

  function bindListeners() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form instanceof Element && form.matches("form[data-cache-clear]")) {
        clear();
      }
    }, true);

    window.addEventListener("online", () => {
      flush();
    });

    // htmx swaps the card away before "htmx:afterRequest", and an event on a detached form
    // no longer bubbles to document: so listen on the form itself, from the moment it sends.
    document.addEventListener("htmx:beforeRequest", (event) => {
      const form = deleteFormOf(event);
      const card = form && form.closest(".media-card");
      const id = card && card.dataset.mediaId;
      if (!id || pendingDeletes.has(form)) {
        return;
      }
      pendingDeletes.add(form);
      form.addEventListener("htmx:afterRequest", (done) => {
        pendingDeletes.delete(form);
        if (done.detail && done.detail.successful) {
          dropRecord(id);
        }
      }, { once: true });
    });
  }

  function start() {
    const cfg = readConfig();
    purgeOtherOwners();
    bindListeners();
    if (cfg.offline) {
      showOffline();
    }
    if (cfg.ownerKey && readQueue().length > 0) {
      flush();
    }
    if (cfg.ownerKey && (cfg.page === "gallery" || document.getElementById("media-grid"))) {
      initGallery();
    }
  }

  const api = {
    cached: cached,
    load: load,
    save: save,
    flush: flush,
    remove: remove,
    clear: clear,
  };
  /** @type {string} the current owner's key from <body data-owner-key>, "" when absent. */
  Object.defineProperty(api, "ownerKey", {
    enumerable: true,
    get: () => readConfig().ownerKey,
  });
  window.MediaCache = Object.freeze(api);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
