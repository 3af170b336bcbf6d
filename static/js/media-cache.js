/**
 * media-cache.js — the localStorage cache of a person's most recent media, for the gallery
 * and any frontend on the same origin: window.MediaCache, documented in README.md ("The
 * localStorage cache"); each public function's JSDoc below is its contract.
 *
 * Settings come from <body>: data-owner-key, data-owner-kind ("guest" | "user"),
 * data-api-base (default "/api"), data-page and data-offline ("1" on the 503 page). Keys are
 * mediaapp:v1:<ownerKey>:<name>: "image" and "video" (10 wire records each), "queue" (saves
 * waiting, oldest first), and names other modules keep (local-import.js). Other owners' keys
 * are purged on start, a form[data-cache-clear] (logout) clears them all, a guest's keys
 * follow it into the account it signs into. On the 503 page, or an empty grid with the API
 * out of reach, cards are clones of the server's <template class="media-card-template">.
 *
 * Events on document: mediacache:update {type, items, source: "cache"|"api", offline},
 * mediacache:offline {queued}, mediacache:online {}, mediacache:saved {record, replayed},
 * mediacache:rejected {payload, status, body}, mediacache:painted {grid, items}.
 */
(function () {
  "use strict";

  if (window.MediaCache) {
    return; // already running: a page may load this file and media-cache.mjs (which imports it)
  }

  const PREFIX = "mediaapp:v1:";
  const TYPES = ["image", "video"];
  const RESERVED = ["image", "video", "queue"];
  const MAX_PER_TYPE = 10;
  const FLUSH_INTERVAL_MS = 15000;
  const REQUEST_TIMEOUT_MS = 10000;
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ADOPT_KEY = PREFIX + "adopt"; // sessionStorage: a guest signing in from this tab
  const ADOPT_MAX_AGE_MS = 15 * 60 * 1000;
  const TOKENS = /__(prompt|model)__/g; // the text placeholders of media_card_templates.html
  const URL_ATTRIBUTES = ["href", "src", "poster", "action", "formaction", "srcset"];
  const OFFLINE_TEXT =
    "You're offline — showing your most recent saved items. " +
    "Changes will sync when the connection returns.";

  let config = null;
  let flushTimer = null;
  let flushing = null;
  let isOffline = false;
  let settleReady = null;
  const ready = new Promise((resolve) => (settleReady = resolve));

  /** The settings on <body data-*>, read once <body> exists. */
  function readConfig() {
    const data = document.body ? document.body.dataset : {};
    const result = config || {
      ownerKey: (data.ownerKey || "").trim(),
      apiBase: (data.apiBase || "/api").replace(/\/+$/, ""),
      page: data.page || "",
      offline: data.offline === "1",
    };
    config = document.body ? result : null;
    return result;
  }

  /** The localStorage key of one of an owner's entries; the current owner by default. */
  function keyFor(name, ownerKey) {
    const owner = ownerKey === undefined ? readConfig().ownerKey : ownerKey;
    return owner ? PREFIX + owner + ":" + name : null;
  }

  /** "guest" or "user": <body data-owner-kind>, else whether the logout form is shown. */
  function ownerKind() {
    const kind = document.body.dataset.ownerKind;
    const shown = document.querySelector("form[data-cache-clear]") ? "user" : "guest";
    return kind === "guest" || kind === "user" ? kind : shown;
  }

  // ---------------------------------------------------------------- storage (never throws)
  // Private browsing, disabled storage and a full quota all throw, and so can merely reading
  // window.localStorage: every access happens inside a try. area defaults to localStorage.

  function storageGet(key, area) {
    try {
      const raw = key ? window[area || "localStorage"].getItem(key) : null;
      return raw === null ? null : JSON.parse(raw);
    } catch (_err) {
      return null; // unavailable, or a value that is not JSON
    }
  }

  function storageSet(key, value, area) {
    try {
      if (key) {
        window[area || "localStorage"].setItem(key, JSON.stringify(value));
      }
      return Boolean(key);
    } catch (_err) {
      return false;
    }
  }

  function storageRemove(key, area) {
    try {
      if (key) {
        window[area || "localStorage"].removeItem(key);
      }
    } catch (_err) {
      /* unavailable: nothing to remove */
    }
  }

  function storageKeys(area) {
    try {
      return Object.keys(window[area || "localStorage"]);
    } catch (_err) {
      return [];
    }
  }

  /** The names (what follows "<ownerKey>:") of an owner's keys. */
  function namesOf(ownerKey) {
    const start = PREFIX + ownerKey + ":";
    return storageKeys().filter((k) => k.startsWith(start)).map((k) => k.slice(start.length));
  }

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isRecord = (v) =>
    isObject(v) && typeof v.id === "string" && UUID_RE.test(v.id) && TYPES.includes(v.type);
  const isQueueEntry = (e) =>
    isObject(e) && isObject(e.payload) && typeof e.payload.requestId === "string" &&
    e.payload.requestId !== "";

  const timeOf = (record) => Date.parse(record.createdAt) || 0;
  const newestFirst = (items) => items.slice().sort((a, b) => timeOf(b) - timeOf(a));

  function checkType(type) {
    if (!TYPES.includes(type)) {
      throw new TypeError('type must be "image" or "video", got ' + String(type));
    }
  }

  function readType(type, ownerKey) {
    const stored = storageGet(keyFor(type, ownerKey));
    return Array.isArray(stored) ? stored.filter((r) => isRecord(r) && r.type === type) : [];
  }

  function writeType(type, items) {
    const seen = new Set();
    const kept = newestFirst(items).filter((item) => {
      const fresh = isRecord(item) && item.type === type && !seen.has(item.id);
      seen.add(item && item.id);
      return fresh;
    });
    storageSet(keyFor(type), kept.slice(0, MAX_PER_TYPE));
  }

  function putRecord(record) {
    if (isRecord(record)) {
      writeType(record.type, [record].concat(readType(record.type))); // the first copy wins
    }
  }

  function dropRecord(id) {
    TYPES.map((type) => readType(type)).filter((items) => items.some((r) => r.id === id))
      .forEach((items) => storageSet(keyFor(items[0].type), items.filter((r) => r.id !== id)));
  }

  function readQueue(ownerKey) {
    const stored = storageGet(keyFor("queue", ownerKey));
    return Array.isArray(stored) ? stored.filter(isQueueEntry) : [];
  }

  function writeQueue(entries) {
    if (entries.length === 0) {
      storageRemove(keyFor("queue"));
      return true;
    }
    return storageSet(keyFor("queue"), entries);
  }

  function newRequestId() {
    if (typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID exists only in secure contexts; a plain-http LAN deployment still has this.
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  }

  const emit = (name, detail) => document.dispatchEvent(new CustomEvent(name, { detail }));

  /** Show (with the number of queued saves) or hide #offline-notice; fire the change. */
  function setOffline(offline) {
    const changed = offline !== isOffline;
    const queued = readQueue().length;
    isOffline = offline;
    const notice = document.getElementById("offline-notice");
    if (notice) {
      const waiting = (queued === 1 ? " 1 save is" : " " + queued + " saves are") +
        " waiting to sync.";
      notice.textContent = offline ? OFFLINE_TEXT + (queued ? waiting : "") : "";
      notice.hidden = !offline;
    }
    if (changed) {
      emit(offline ? "mediacache:offline" : "mediacache:online", offline ? { queued } : {});
    }
  }

  /** One API call: resolves {ok, status, body, offline} and never rejects. */
  async function call(method, path, payload) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin", signal: controller.signal };
    if (payload !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    let response;
    let body = null;
    try {
      response = await fetch(readConfig().apiBase + path, init);
      body = await response.json().catch(() => null); // a proxy's HTML page, or no body
    } catch (_err) {
      return { ok: false, status: 0, body: null, offline: true };
    } finally {
      clearTimeout(timer);
    }
    const status = response.status;
    // A 2xx without our envelope is not our API answering (a captive portal, a proxy page).
    const foreign = response.ok && !(body && body.success === true);
    const transient = status >= 500 || status === 408 || status === 429 || foreign;
    return { ok: response.ok && !foreign, status: status, body: body, offline: transient };
  }

  /** An Error for an answer that is not a success: .status, .body, .offline. */
  function refusal(result, fallback) {
    const said = result.body && typeof result.body.error === "string" ? result.body.error : "";
    const error = new Error(said || fallback + " (HTTP " + result.status + ")");
    return Object.assign(error, { status: result.status, body: result.body,
      offline: Boolean(result.offline) });
  }

  // ---------------------------------------------------------------- public functions

  /**
   * The cached records, newest first.
   * @param {"image"|"video"} [type] one type; omitted for both, merged by createdAt.
   * @returns {Array<Object>} wire records (fresh copies; [] when storage is unavailable).
   */
  function cached(type) {
    if (!type) {
      return newestFirst(readType("image").concat(readType("video")));
    }
    checkType(type);
    return readType(type);
  }

  async function refresh(type) {
    const update = (source, offline) => {
      const items = cached(type);
      emit("mediacache:update", { type, items, source, offline });
      return { items, offline };
    };
    update("cache", false);
    const types = type ? [type] : TYPES;
    const results = await Promise.all(
      types.map((t) => call("GET", "/media/list?limit=" + MAX_PER_TYPE + "&type=" + t)));
    results.forEach((result, i) => {
      if (result.ok && Array.isArray(result.body.data)) {
        writeType(types[i], result.body.data);
      }
    });
    if (results.some((result) => result.offline)) {
      setOffline(true);
      return update("cache", true);
    }
    const refused = results.find((result) => !result.ok);
    if (refused) {
      throw refusal(refused, "The media list could not be loaded");
    }
    setOffline(false);
    return update("api", false);
  }

  /**
   * Show the cache at once, then refresh it from the API: "mediacache:update" fires with
   * source "cache", then "api" (or "cache" and offline: true, with the notice, when the API
   * is out of reach or answers 5xx).
   * @param {"image"|"video"} [type] one type; omitted for both.
   * @returns {Promise<Array<Object>>} the records now cached; never rejects for being
   *   offline, rejects with an Error carrying .status/.body when the API refuses (4xx).
   */
  async function load(type) {
    if (type) {
      checkType(type);
    }
    return (await refresh(type || null)).items;
  }

  /**
   * Save one generation through the API; queue it when the API cannot be reached.
   * @param {Object} payload a SaveMediaRequest ({type, url, prompt, model, settings, …});
   *   a requestId is generated when missing so a retry can never duplicate it.
   * @returns {Promise<{record: (Object|null), queued: boolean}>} queued when the network
   *   failed or the API answered 5xx/408/429; rejects with an Error carrying .status and
   *   .body (the error envelope) when the server refuses the save, which is never queued.
   */
  async function save(payload) {
    if (!isObject(payload)) {
      throw new TypeError("save() needs a SaveMediaRequest object");
    }
    const request = Object.assign({}, payload);
    if (typeof request.requestId !== "string" || request.requestId === "") {
      request.requestId = newRequestId();
    }
    const result = await call("POST", "/media/save", request);
    if (result.ok && isRecord(result.body.data)) {
      putRecord(result.body.data);
      setOffline(false);
      emit("mediacache:saved", { record: result.body.data, replayed: result.status === 200 });
      if (readQueue().length > 0) {
        flush();
      }
      return { record: result.body.data, queued: false };
    }
    if (!result.offline) {
      throw refusal(result, "The save was refused");
    }
    const queue = readQueue().filter((e) => e.payload.requestId !== request.requestId);
    if (!writeQueue(queue.concat([{ payload: request, queuedAt: new Date().toISOString() }]))) {
      const why = "You're offline and this browser cannot keep the save for later.";
      throw Object.assign(new Error(why), { status: result.status, body: result.body });
    }
    setOffline(true);
    scheduleFlush();
    return { record: null, queued: true };
  }

  async function runFlush() {
    const counts = { sent: 0, rejected: 0, remaining: 0 };
    let offline = false;
    for (const entry of readQueue()) {
      const result = await call("POST", "/media/save", entry.payload);
      if (result.offline) {
        offline = true;
        break;
      }
      dequeue([entry.payload.requestId]);
      const record = result.ok ? result.body.data : null;
      if (isRecord(record)) {
        counts.sent += 1;
        putRecord(record);
        emit("mediacache:saved", { record, replayed: true });
        emit("mediacache:update", { type: record.type, items: cached(record.type),
          source: "api", offline: false });
      } else {
        // The server refused it: retrying can never succeed, so keep the queue moving.
        counts.rejected += 1;
        emit("mediacache:rejected", { payload: entry.payload, status: result.status,
          body: result.body });
      }
    }
    counts.remaining = readQueue().length;
    if (offline || (counts.remaining > 0 && isOffline)) {
      setOffline(true); // also refreshes the queued count in the notice
    } else if (counts.remaining === 0 && counts.sent + counts.rejected > 0) {
      setOffline(false);
    }
    return counts;
  }

  /**
   * Send the queued saves, oldest first, each with its original requestId; a refused one is
   * dropped with "mediacache:rejected", the first network failure or 5xx ends the run. Runs
   * on start, on "online" and every 15 s while anything is queued. Concurrent calls share
   * one run, so nothing is sent twice at once.
   * @returns {Promise<{sent: number, rejected: number, remaining: number}>}
   */
  function flush() {
    if (!flushing) {
      flushing = runFlush().finally(() => {
        flushing = null;
        if (readQueue().length > 0) {
          scheduleFlush();
        } else {
          flushTimer = clearInterval(flushTimer) || null;
        }
      });
    }
    return flushing;
  }

  /**
   * Delete a record through the API and drop it from the cache.
   * @param {string} id the record's uuid.
   * @returns {Promise<(Object|null)>} the deleted record, or null when the server no longer
   *   had it (404); rejects with an Error (.status, .body, .offline) otherwise.
   */
  async function remove(id) {
    const result = await request("DELETE", "/media/" + encodeURIComponent(String(id)));
    if (result.ok || result.status === 404) {
      dropRecord(String(id));
      return result.ok ? result.body.data : null;
    }
    throw refusal(result, "The item could not be deleted");
  }

  /**
   * Remove every mediaapp:v1: key, of every owner, from localStorage and sessionStorage.
   * @returns {void}
   */
  function clear() {
    for (const area of ["localStorage", "sessionStorage"]) {
      storageKeys(area).filter((key) => key.startsWith(PREFIX))
        .forEach((key) => storageRemove(key, area));
    }
  }

  /**
   * Note which guest is signing in from this tab, with a copy of its queue and cache, so the
   * page that answers the login or registration can move them into the account. The HTML
   * login and register forms call it for you; a script calling POST /api/auth/login or
   * /api/auth/register itself calls it first.
   * @returns {boolean} true when there was a guest to remember and the note was written.
   */
  function beforeSignIn() {
    const guestKey = readConfig().ownerKey;
    if (!guestKey || ownerKind() !== "guest") {
      return false;
    }
    const at = Date.now();
    const note = { guestKey, at, queue: readQueue(), image: cached("image"),
      video: cached("video") };
    // Another tab may purge the guest's keys first, hence the copy; if it does not fit, the
    // key alone still finds them when this tab gets there first.
    return storageSet(ADOPT_KEY, note, "sessionStorage") ||
      storageSet(ADOPT_KEY, { guestKey, at }, "sessionStorage");
  }

  /**
   * One API call with the cache's rules (cookies, JSON, a 10 s timeout, the offline notice).
   * @param {string} method "GET", "POST", …
   * @param {string} path below data-api-base, e.g. "/media/import".
   * @param {*} [body] sent as JSON when given.
   * @returns {Promise<{ok: boolean, status: number, body: *, offline: boolean}>} never
   *   rejects; offline: a network failure (status 0), timeout, 5xx, 408, 429 or a non-API 2xx.
   */
  async function request(method, path, body) {
    const result = await call(String(method).toUpperCase(), String(path), body);
    if (result.offline || result.ok) {
      setOffline(result.offline);
    }
    return result;
  }

  /** @returns {Array<{payload: Object, queuedAt: string}>} the queued saves, oldest first. */
  function queued() {
    return readQueue();
  }

  /**
   * Drop queued saves that reached the server another way (an import, say).
   * @param {Array<string>} requestIds
   * @returns {number} how many entries were dropped.
   */
  function dequeue(requestIds) {
    const gone = new Set(requestIds);
    const queue = readQueue();
    const rest = queue.filter((e) => !gone.has(e.payload.requestId));
    if (rest.length !== queue.length) {
      writeQueue(rest);
    }
    return queue.length - rest.length;
  }

  // ---------------------------------------------------------------- internals

  function purgeOtherOwners() {
    const owner = readConfig().ownerKey;
    storageKeys().filter((key) => key.startsWith(PREFIX) && owner &&
      key.slice(PREFIX.length).split(":")[0] !== owner).forEach((key) => storageRemove(key));
  }

  function scheduleFlush() {
    if (flushTimer === null) {
      flushTimer = setInterval(() => {
        if (navigator.onLine !== false) {
          flush(); // cheap when the queue is empty: the run ends the timer
        }
      }, FLUSH_INTERVAL_MS);
    }
  }

  /** The account's queue plus the guest's, oldest first, one entry per requestId. */
  function mergedQueue(entries) {
    const seen = new Set();
    const at = (entry) => Date.parse(entry.queuedAt) || 0;
    return entries.filter((entry) => isQueueEntry(entry) && !seen.has(entry.payload.requestId) &&
      seen.add(entry.payload.requestId)).sort((a, b) => at(a) - at(b)); // stable on ties
  }

  const isTextList = (value) => Array.isArray(value) && value.every((v) => typeof v === "string");

  /**
   * Before the purge: after beforeSignIn() in this tab, on an account's page, move the
   * guest's queue, cache and other keys (string lists merged) into the account's. A note for
   * this same owner (a failed login), on a guest's page, or older than 15 minutes moves
   * nothing: one guest's data never reaches another guest.
   */
  function adoptFromSignIn() {
    const owner = readConfig().ownerKey;
    const note = storageGet(ADOPT_KEY, "sessionStorage");
    if (!owner || note === null) {
      return; // a page that names no owner cannot tell; the next one will
    }
    const guest = isObject(note) && typeof note.guestKey === "string" ? note.guestKey : "";
    const stale = !(Date.now() - note.at < ADOPT_MAX_AGE_MS);
    if (!guest || guest === owner || stale || ownerKind() !== "user" || guest.includes(":")) {
      storageRemove(ADOPT_KEY, "sessionStorage");
      return;
    }
    const carried = (name) => (Array.isArray(note[name]) ? note[name] : []);
    const queue = mergedQueue(readQueue().concat(readQueue(guest), carried("queue")));
    if (queue.length > 0 && !writeQueue(queue)) {
      return; // keep the note (and so the queue) for the next page rather than lose it
    }
    TYPES.forEach((type) => {
      writeType(type, readType(type).concat(readType(type, guest), carried(type)));
    });
    for (const name of namesOf(guest).filter((n) => !RESERVED.includes(n))) {
      const mine = storageGet(keyFor(name));
      const theirs = storageGet(keyFor(name, guest));
      if (isTextList(theirs) && (mine === null || isTextList(mine))) {
        storageSet(keyFor(name), Array.from(new Set((mine || []).concat(theirs))));
      } else if (mine === null) {
        storageSet(keyFor(name), theirs);
      }
    }
    storageRemove(ADOPT_KEY, "sessionStorage");
  }

  function isSignInForm(form, submitter) {
    if (form.hasAttribute("data-cache-adopt")) {
      return true;
    }
    // Attributes, not form.action/form.method: an input named "action" would shadow those.
    const from = (name) =>
      submitter instanceof Element && submitter.hasAttribute("form" + name)
        ? submitter.getAttribute("form" + name)
        : form.getAttribute(name);
    try {
      const url = new URL(from("action") || window.location.href, window.location.href);
      return url.origin === window.location.origin &&
        String(from("method") || "get").toLowerCase() === "post" &&
        /\/(login|register)\/?$/.test(url.pathname);
    } catch (_err) {
      return false;
    }
  }

  // ---------------------------------------------------------------- painting cards

  /** A URL allowed into src/poster: absolute http(s), or a same-origin path ("/…", not "//"). */
  function safeUrl(value) {
    if (typeof value !== "string" || /[\s\u0000-\u001f\u007f\\]|^\/\//.test(value)) {
      return null;
    }
    if (value.startsWith("/")) {
      return value;
    }
    try {
      const url = new URL(value); // throws for a relative reference
      return /^https?:$/.test(url.protocol) && url.host ? value : null;
    } catch (_err) {
      return null;
    }
  }

  /**
   * A clone of the server's <template class="media-card-template"> for the record's variant,
   * filled through setAttribute and text nodes only: URL attributes only get the record's id
   * (a checked uuid), src and poster only safeUrl()'s; null when the page has no template.
   */
  function paintCard(record) {
    const src = safeUrl(record.url);
    const template = document.querySelector('template.media-card-template[data-variant="' +
      record.type + (src ? "" : "-missing") + '"]');
    const placeholder = template ? template.dataset.placeholderId : "";
    if (!placeholder || !template.content.firstElementChild) {
      return null;
    }
    // Cloned inside the template's inert document, so no placeholder src is ever fetched.
    const card = template.content.firstElementChild.cloneNode(true);
    const prompt = typeof record.prompt === "string" ? record.prompt : "";
    const values = { model: typeof record.model === "string" ? record.model : "",
      prompt: prompt.length > 240 ? prompt.slice(0, 239).trimEnd() + "…" : prompt };
    const withId = (value) => value.split(placeholder).join(record.id);
    const filled = (value) => withId(value).replace(TOKENS, (_m, name) => values[name]);
    for (const node of [card].concat(Array.from(card.querySelectorAll("*")))) {
      for (const { name, value } of Array.from(node.attributes)) {
        const next = URL_ATTRIBUTES.includes(name.toLowerCase()) ? withId(value) : filled(value);
        if (next !== value) {
          node.setAttribute(name, next);
        }
      }
    }
    const walker = card.ownerDocument.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      node.data = filled(node.data);
    }
    const media = card.querySelector("img[src], video[src]");
    const poster = safeUrl(record.thumbnailUrl);
    if (media) {
      media.setAttribute("src", src);
    }
    if (media && media.localName === "video" && poster) {
      media.setAttribute("poster", poster);
      media.setAttribute("preload", "none"); // as the server's card: the poster is the picture
    }
    const time = card.querySelector("time");
    if (time && typeof record.createdAt === "string") {
      time.setAttribute("datetime", record.createdAt);
      time.textContent = record.createdAt.slice(0, 10); // gallery.js localises it
    }
    card.classList.add("is-cached");
    return card;
  }

  function paintCached(grid) {
    const only = grid.dataset.type;
    const items = cached(TYPES.includes(only) ? only : null);
    grid.querySelectorAll(".media-card.is-cached").forEach((node) => node.remove());
    const cards = items.filter((r) => !document.getElementById("media-" + r.id)).map(paintCard);
    grid.append(...cards.filter(Boolean));
    grid.classList.toggle("is-showing-cache", items.length > 0);
    emit("mediacache:painted", { grid, items });
  }

  function initGallery() {
    const grid = document.getElementById("media-grid");
    if (!grid) {
      return null;
    }
    const offlinePage = readConfig().offline;
    const serverRendered = grid.querySelector(".media-card") !== null;
    if (offlinePage) {
      paintCached(grid);
    }
    // On the 503 page the database may be back already: then show the fresh records.
    return refresh(null).then((outcome) => {
      if (offlinePage ? !outcome.offline : outcome.offline && !serverRendered) {
        paintCached(grid);
      }
      return outcome;
    }, () => null);
  }

  function bindListeners() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.matches("form[data-cache-clear]")) {
        clear();
      } else if (form instanceof HTMLFormElement && isSignInForm(form, event.submitter)) {
        beforeSignIn();
      }
    }, true);

    window.addEventListener("online", () => flush());

    // A card deleted through htmx leaves the cache too. "htmx:beforeSwap" fires on the card
    // itself while it is still in the page (it is gone by "htmx:afterRequest").
    document.addEventListener("htmx:beforeSwap", (event) => {
      const request = event.detail && event.detail.requestConfig;
      const form = request && request.elt instanceof Element ? request.elt : null;
      const card = form && form.matches("form.media-card__delete") && form.closest(".media-card");
      if (card && !event.detail.isError) {
        dropRecord(card.dataset.mediaId);
      }
    });
  }

  /**
   * For a page that does not render <body data-owner-key> (a frontend of its own on this
   * origin; media-cache.mjs's connect() calls it with GET /api/auth/me's cacheKey): name the
   * owner whose cache to use and, optionally, the API base. As on start, other owners' keys
   * are purged and waiting saves are sent. Returns the owner key in force.
   * @param {{ownerKey?: string, apiBase?: string}} options
   * @returns {string}
   */
  function configure(options) {
    const given = isObject(options) ? options : {};
    const before = readConfig();
    const owner = typeof given.ownerKey === "string" ? given.ownerKey.trim() : before.ownerKey;
    config = Object.assign({}, before, {
      ownerKey: owner.includes(":") ? before.ownerKey : owner,
      apiBase: typeof given.apiBase === "string"
        ? given.apiBase.replace(/\/+$/, "") : before.apiBase,
    });
    if (config.ownerKey && config.ownerKey !== before.ownerKey) {
      purgeOtherOwners();
      if (readQueue().length > 0) {
        flush();
      }
    }
    return config.ownerKey;
  }

  function start() {
    const cfg = readConfig();
    adoptFromSignIn(); // before the purge removes the guest's keys
    purgeOtherOwners();
    bindListeners();
    if (cfg.offline) {
      setOffline(true);
    }
    if (cfg.ownerKey && readQueue().length > 0) {
      flush();
    }
    const gallery = cfg.page === "gallery" || document.getElementById("media-grid");
    settleReady(cfg.ownerKey && gallery ? initGallery() : null);
  }

  const api = { cached, load, save, flush, remove, clear, beforeSignIn, request, queued,
    dequeue, ready, configure };
  /**
   * ready: {Promise<({items: Array, offline: boolean}|null)>} the outcome of the gallery's
   * own first load() (offline: the API could not be reached); null on other pages, or when
   * the API refused. ownerKey: {string} <body data-owner-key>, "" when absent.
   */
  Object.defineProperty(api, "ownerKey", { enumerable: true, get: () => readConfig().ownerKey });
  window.MediaCache = Object.freeze(api);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
