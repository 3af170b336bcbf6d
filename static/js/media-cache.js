/**
 * media-cache.js — the localStorage cache of a person's most recent media.
 *
 * One dependency-free script for the gallery and for any frontend on the same origin.
 * It reads its configuration from attributes on <body> (no inline script):
 *   data-owner-key  public key of the current owner (a guest or an account); required for
 *                   anything to be cached
 *   data-owner-kind "guest" | "user" (optional; without it, a page showing the logout form
 *                   form[data-cache-clear] is taken to belong to an account)
 *   data-api-base   where the JSON API lives (default "/api")
 *   data-page       "gallery" | "detail" | "auth" | "other"
 *   data-offline    "1" when the server could not read its database and served its 503 page
 *
 * localStorage keys (wire records, newest first, at most 10 per type):
 *   mediaapp:v1:<ownerKey>:image    mediaapp:v1:<ownerKey>:video
 *   mediaapp:v1:<ownerKey>:queue    saves waiting to be sent, oldest first
 *   mediaapp:v1:<ownerKey>:imported         requestIds the server confirmed (imported or
 *                                           already there): never offered again
 *   mediaapp:v1:<ownerKey>:import-rejected  requestIds the server refused to import
 * sessionStorage keys (this tab only): mediaapp:v1:adopt (a guest signing in),
 * mediaapp:v1:import-result and mediaapp:v1:import-dismissed (the gallery's import offer).
 *
 * Whose data is whose. On start every mediaapp:v1: key of another owner is removed, so a
 * shared browser never shows one person's items to the next. One exception keeps a guest's
 * work: submitting a login or registration form (a POST form whose action ends in /login or
 * /register, or one marked data-cache-adopt) as a guest notes that guest in sessionStorage,
 * and when the next page in that tab belongs to an account (the server has just moved the
 * guest's media into it), the guest's queued saves, cached records and import memory move to
 * the account's keys before the purge; the queue is then sent into the account with the same
 * requestIds, so nothing is lost and nothing is duplicated. A failed login, another guest, or
 * a note older than 15 minutes moves nothing. Logging out (submitting a form marked
 * data-cache-clear) removes every mediaapp key, queue included: privacy wins over delivery.
 * A queued save still reaches the server before a logout whenever the connection allows,
 * because the queue is flushed on every page load, on "online" and every 15 s.
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
 *   clear()           removes every mediaapp:v1: key (localStorage and sessionStorage).
 *   findImportable()  resolves with the items this browser holds that the server may not
 *                     have, in the import format: the owner's queued saves, and history the
 *                     app kept in localStorage before it had a database (any key outside
 *                     "mediaapp:" holding an array of objects with url and prompt; legacy
 *                     names such as imageUrl/videoUrl/timestamp are mapped). Each gets a
 *                     deterministic requestId when it has none ("local-" + SHA-256 of
 *                     url|prompt|createdAt). Items the API would refuse, and items already
 *                     confirmed or refused, are left out. Sends nothing.
 *   importLocal()     POSTs those items to <api>/media/import in chunks of at most 1,000 and
 *                     resolves {imported, duplicate, rejected}; remembers the outcome per
 *                     requestId so nothing is offered twice. Idempotent on the server too:
 *                     an item it already has comes back "duplicate". Legacy keys are never
 *                     modified or deleted. Rejects with an Error (.status, .body, .offline,
 *                     .result = the totals so far) when a request fails.
 *   beforeSignIn()    notes the current guest for the adoption above; the forms call it for
 *                     you, a script calling POST <api>/auth/login or /register calls it first.
 *
 * Events, all dispatched on document with the data in event.detail:
 *   mediacache:update   {type, items, source: "cache"|"api", offline}
 *   mediacache:offline  {queued}
 *   mediacache:online   {}
 *   mediacache:saved    {record, replayed}
 *   mediacache:rejected {payload, status, body}
 *   mediacache:imported {imported, duplicate, rejected}
 *
 * On the gallery (data-page="gallery" or a #media-grid on the page) it keeps the cache fresh
 * with load(); the server-rendered grid stays the source of truth. Only when the page is the
 * server's 503 shell (data-offline="1"), or the grid is empty and the API cannot be reached,
 * does it paint the cached records into #media-grid as .media-card.is-cached cards (built with
 * textContent; a URL reaches src/href/poster only if it is http(s) or a single-"/" path), and
 * it shows #offline-notice until an API call succeeds. A successful htmx delete of a card
 * (form.media-card__delete) drops that record from the cache.
 *
 * The import offer: on data-page="gallery", once the API has answered, when findImportable()
 * finds N > 0 items it puts a section.import-offer right after #offline-notice (or before
 * #media-grid): p.import-offer__text "This browser holds N items that aren't in your history
 * yet." and two button.import-offer__button ("Import them", .button--primary; "Not now",
 * .button--ghost, hides it for the rest of the tab's session). Importing reloads the page when
 * anything was added, and the page that comes back says "Imported X items (Y were already
 * there)." in a div.import-offer.import-offer--done (role="status"); a failure is said in the
 * banner, which stays so the user can try again.
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
  const APP_PREFIX = "mediaapp:"; // any version: keys outside it may be legacy history
  const ADOPT_KEY = PREFIX + "adopt"; // sessionStorage: a guest signing in from this tab
  const ADOPT_MAX_AGE_MS = 15 * 60 * 1000;
  const RESULT_KEY = PREFIX + "import-result"; // sessionStorage: said after the reload
  const DISMISS_KEY = PREFIX + "import-dismissed"; // sessionStorage: "Not now"
  const OFFER_ID = "import-offer";
  const IMPORT_CHUNK = 1000; // the most POST /api/media/import takes at once
  const LEGACY_DEPTH = 2; // arrays directly under a key, or one or two objects down
  const SETTINGS_MAX_BYTES = 16 * 1024;
  const LOCAL_ID_PREFIX = "local-";
  const OFFLINE_TEXT =
    "You're offline — showing your most recent saved items. " +
    "Changes will sync when the connection returns.";

  let config = null;
  let flushTimer = null;
  let flushing = null;
  let importing = null;
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

  /** The localStorage key of one of an owner's entries; the current owner by default. */
  function keyFor(suffix, ownerKey) {
    const owner = ownerKey === undefined ? readConfig().ownerKey : ownerKey;
    return owner ? PREFIX + owner + ":" + suffix : null;
  }

  /**
   * "guest" or "user". <body data-owner-kind> says so when present; without it, the logout
   * form (form[data-cache-clear]) is what base.html shows only to an account.
   */
  function ownerKind() {
    const body = document.body;
    const kind = body ? body.dataset.ownerKind : "";
    if (kind === "guest" || kind === "user") {
      return kind;
    }
    return document.querySelector("form[data-cache-clear]") ? "user" : "guest";
  }

  // ---------------------------------------------------------------- storage (never throws)
  // area is "localStorage" (the default) or "sessionStorage"; reading window[area] itself can
  // throw (storage disabled), so it happens inside the try.

  function storageGet(key, area) {
    if (!key) {
      return null;
    }
    try {
      const raw = window[area || "localStorage"].getItem(key);
      return raw === null ? null : JSON.parse(raw);
    } catch (_err) {
      return null; // private mode, storage disabled, or a value that is not JSON
    }
  }

  function storageSet(key, value, area) {
    if (!key) {
      return false;
    }
    try {
      window[area || "localStorage"].setItem(key, JSON.stringify(value));
      return true;
    } catch (_err) {
      return false; // quota exceeded or storage unavailable
    }
  }

  function storageRemove(key, area) {
    if (!key) {
      return;
    }
    try {
      window[area || "localStorage"].removeItem(key);
    } catch (_err) {
      /* storage unavailable: nothing to remove */
    }
  }

  function storageKeys(area) {
    const keys = [];
    try {
      const store = window[area || "localStorage"];
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

  function readType(type, ownerKey) {
    const stored = storageGet(keyFor(type, ownerKey));
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

  function isQueueEntry(entry) {
    return (
      entry !== null &&
      typeof entry === "object" &&
      entry.payload !== null &&
      typeof entry.payload === "object" &&
      typeof entry.payload.requestId === "string" &&
      entry.payload.requestId !== ""
    );
  }

  function readQueue(ownerKey) {
    const stored = storageGet(keyFor("queue", ownerKey));
    return Array.isArray(stored) ? stored.filter(isQueueEntry) : [];
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
   * Remove every mediaapp:v1: key from localStorage (all owners, cache, queue and import
   * memory) and from sessionStorage. Legacy keys outside "mediaapp:" are never touched.
   * @returns {void}
   */
  function clear() {
    for (const key of storageKeys()) {
      if (key.startsWith(PREFIX)) {
        storageRemove(key);
      }
    }
    for (const key of storageKeys("sessionStorage")) {
      if (key.startsWith(PREFIX)) {
        storageRemove(key, "sessionStorage"); // the sign-in note and the import notices
      }
    }
    stopFlushTimer();
  }

  /**
   * Remember, for the page that answers a login or registration from this tab, which guest
   * is signing in and what it has waiting: its queued saves, cached records and import
   * memory go to sessionStorage ("mediaapp:v1:adopt"). When the next page names an account
   * as its owner, start() moves them into that account's keys before the guest's keys are
   * purged, so a save queued as a guest is sent into the account (same requestId: never
   * twice). Called for you when a form posting to …/login or …/register (or marked
   * data-cache-adopt) is submitted; a script that calls POST /api/auth/login or
   * /api/auth/register itself calls this first.
   * @returns {boolean} true when there was a guest to remember and the note was written.
   */
  function beforeSignIn() {
    const owner = readConfig().ownerKey;
    if (!owner || ownerKind() !== "guest") {
      return false;
    }
    const note = {
      guestKey: owner,
      at: Date.now(),
      queue: readQueue(),
      image: readType("image"),
      video: readType("video"),
      imported: readIdList("imported"),
    };
    // Another tab may purge the guest's localStorage keys first, hence the copy; if the copy
    // does not fit, the key alone still finds them when this tab gets there first.
    return (
      storageSet(ADOPT_KEY, note, "sessionStorage") ||
      storageSet(ADOPT_KEY, { guestKey: owner, at: note.at }, "sessionStorage")
    );
  }

  /**
   * The items this browser holds that the server may not have: the current owner's queued
   * saves, and media history the app kept in localStorage before it had a database (any
   * key outside "mediaapp:" holding an array of objects with a url and a prompt, directly
   * or one or two object levels down). Legacy fields are mapped onto the import format
   * (imageUrl/videoUrl → url, timestamp/createdAt → createdAt, model or settings.model, …);
   * an item without a requestId gets "local-" + SHA-256(url|prompt|createdAt), so the same
   * item always carries the same key and importing it again is a no-op. Items that the API
   * would refuse (a javascript: url, no prompt, settings it cannot accept) are left out, and
   * so are items the server already confirmed ("mediaapp:v1:<owner>:imported") or refused.
   * Cached records are never offered: they came from the server, and one it no longer has
   * was deleted there. Sends nothing.
   * @returns {Promise<Array<Object>>} import items ({type, url, prompt, model, settings,
   *   requestId, createdAt?, thumbnailUrl?, projectId?, fileId?, favorite?}); [] without an
   *   owner.
   */
  async function findImportable() {
    if (!readConfig().ownerKey) {
      return [];
    }
    const known = new Set(readIdList("imported").concat(readIdList("import-rejected")));
    const found = [];
    const add = (item) => {
      if (item && isImportable(item) && !known.has(item.requestId)) {
        known.add(item.requestId); // also drops the same item found under a second key
        found.push(item);
      }
    };
    for (const entry of readQueue()) {
      add(fromQueueEntry(entry));
    }
    for (const draft of legacyDrafts()) {
      if (!draft.requestId) {
        draft.requestId = await localRequestId(draft);
      }
      add(draft);
    }
    return found;
  }

  /**
   * Import what findImportable() finds through POST <api>/media/import, at most 1,000 items
   * per request. The server answers each item: imported, duplicate (it already had that
   * requestId, so importing twice adds nothing) or rejected. Imported and duplicate items
   * are remembered in "mediaapp:v1:<owner>:imported" (and leave the queue), rejected ones
   * in "…:import-rejected", so neither is offered again; nothing in the legacy keys is ever
   * deleted. Concurrent calls share one run.
   * @returns {Promise<{imported: number, duplicate: number, rejected: number}>} rejects
   *   with an Error (.status, .body, .offline, and .result: the totals of the chunks that
   *   did go through) when a request fails; the items not sent stay importable.
   */
  function importLocal() {
    if (!importing) {
      importing = runImport().finally(() => {
        importing = null;
      });
    }
    return importing;
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

  // ---------------------------------------------------------------- lists of requestIds

  function readIdList(suffix, ownerKey) {
    const stored = storageGet(keyFor(suffix, ownerKey));
    return Array.isArray(stored) ? stored.filter((id) => typeof id === "string" && id) : [];
  }

  function addIds(suffix, ids, ownerKey) {
    if (ids.length === 0) {
      return true;
    }
    const all = new Set(readIdList(suffix, ownerKey));
    ids.forEach((id) => all.add(id));
    return storageSet(keyFor(suffix, ownerKey), Array.from(all));
  }

  // ---------------------------------------------------------------- adoption at sign-in

  function queuedTime(entry) {
    const t = Date.parse(entry.queuedAt);
    return Number.isNaN(t) ? 0 : t;
  }

  /** The account's queue plus the guest's, oldest first, one entry per requestId. */
  function mergedQueue(lists) {
    const seen = new Set();
    const merged = [];
    for (const entry of [].concat(...lists)) {
      if (isQueueEntry(entry) && !seen.has(entry.payload.requestId)) {
        seen.add(entry.payload.requestId);
        merged.push(entry);
      }
    }
    return merged.sort((a, b) => queuedTime(a) - queuedTime(b)); // stable: ties keep order
  }

  /**
   * Runs before the purge. A note left by beforeSignIn() in this tab means the previous page
   * was a guest submitting a login or registration. The server moves a guest's media to the
   * account it signs into, so when this page's owner is an account, the guest's queue, cache
   * and import memory move with it. A note for the same guest (a failed login), another
   * guest, or older than ADOPT_MAX_AGE_MS is dropped without moving anything: one guest's
   * data never reaches another guest.
   */
  function adoptFromSignIn() {
    const owner = readConfig().ownerKey;
    const note = storageGet(ADOPT_KEY, "sessionStorage");
    if (!owner || note === null) {
      return; // a page that names no owner cannot tell; the next one will
    }
    const guest = note && typeof note.guestKey === "string" ? note.guestKey : "";
    const fresh = typeof note.at === "number" && Date.now() - note.at < ADOPT_MAX_AGE_MS;
    if (!guest || guest === owner || !fresh || ownerKind() !== "user" || guest.includes(":")) {
      storageRemove(ADOPT_KEY, "sessionStorage");
      return;
    }
    const queue = mergedQueue([
      readQueue(),
      readQueue(guest),
      Array.isArray(note.queue) ? note.queue : [],
    ]);
    if (queue.length > 0 && !writeQueue(queue)) {
      return; // keep the note (and so the queue) for the next page rather than lose it
    }
    for (const type of TYPES) {
      const carried = Array.isArray(note[type]) ? note[type] : [];
      writeType(type, readType(type).concat(readType(type, guest), carried));
    }
    const imported = Array.isArray(note.imported) ? note.imported : [];
    addIds("imported", readIdList("imported", guest).concat(
      imported.filter((id) => typeof id === "string" && id)));
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
    const action = from("action") || window.location.href;
    const method = from("method") || "get";
    try {
      const url = new URL(action, window.location.href);
      return (
        url.origin === window.location.origin &&
        String(method).toLowerCase() === "post" &&
        /\/(login|register)\/?$/.test(url.pathname)
      );
    } catch (_err) {
      return false;
    }
  }

  // ---------------------------------------------------------------- importable items

  const IMAGE_TEXT_SETTINGS = ["model", "style", "resolution", "shotSize"];

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  function wellFormed(value) {
    if (typeof value.isWellFormed === "function") {
      return value.isWellFormed();
    }
    return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(value);
  }

  /** A string the API stores: length in range, no NUL byte, no lone surrogate. */
  function goodText(value, min, max) {
    return (
      typeof value === "string" &&
      value.length >= min &&
      value.length <= max &&
      !value.includes("\u0000") &&
      wellFormed(value)
    );
  }

  function optionalText(value, max) {
    return value === undefined || value === null || goodText(value, 0, max);
  }

  /** The API's settings rules (schemas.py), so an offered item is one the server accepts. */
  function settingsOk(type, settings) {
    if (!isPlainObject(settings)) {
      return false;
    }
    if (!IMAGE_TEXT_SETTINGS.every((name) => goodText(settings[name], 0, 256))) {
      return false;
    }
    for (const name of ["seed", "batchSize"]) {
      if (settings[name] !== undefined && settings[name] !== null && !isNumber(settings[name])) {
        return false;
      }
    }
    if (type === "video" && !(isNumber(settings.duration) && isNumber(settings.frameRate))) {
      return false;
    }
    let json;
    try {
      json = JSON.stringify(settings);
    } catch (_err) {
      return false;
    }
    return (
      !json.includes("\\u0000") &&
      wellFormed(json) &&
      new TextEncoder().encode(json).length <= SETTINGS_MAX_BYTES
    );
  }

  function isImportable(item) {
    return (
      TYPES.includes(item.type) &&
      goodText(item.url, 1, 2048) &&
      safeUrl(item.url) !== null &&
      goodText(item.prompt, 1, 10000) &&
      goodText(item.model, 1, 128) &&
      settingsOk(item.type, item.settings) &&
      goodText(item.requestId, 1, 255) &&
      optionalText(item.projectId, 255) &&
      optionalText(item.fileId, 255) &&
      (item.thumbnailUrl === undefined ||
        (goodText(item.thumbnailUrl, 1, 2048) && safeUrl(item.thumbnailUrl) !== null)) &&
      (item.createdAt === undefined || !Number.isNaN(Date.parse(item.createdAt)))
    );
  }

  /** An ISO 8601 UTC string from ms or s since the epoch (number or digits) or a date string. */
  function isoDate(value) {
    let time = NaN;
    if (typeof value === "string" && /^\d{9,16}$/.test(value.trim())) {
      value = Number(value.trim());
    }
    if (isNumber(value) && value > 0) {
      time = value < 1e11 ? value * 1000 : value; // 1e11 ms is 1973; 1e11 s is year 5138
    } else if (typeof value === "string" && value.trim() !== "") {
      time = Date.parse(value);
    }
    if (Number.isNaN(time)) {
      return undefined;
    }
    const date = new Date(time);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }

  function firstText(...values) {
    const found = values.find((v) => typeof v === "string" && v !== "");
    return found === undefined ? null : found;
  }

  function idText(value) {
    if (isNumber(value)) {
      return String(value);
    }
    return typeof value === "string" && value !== "" && value.length <= 255 ? value : undefined;
  }

  function firstNumber(...values) {
    return values.find(isNumber);
  }

  /**
   * One legacy object in the import format, or null when it is not generated media (no url,
   * no prompt). hint is the key and property path it was found under ("…video…" makes an
   * untyped item a video). Whether the result is acceptable is isImportable's question.
   */
  function fromLegacy(raw, hint) {
    if (!isPlainObject(raw)) {
      return null;
    }
    const url = firstText(raw.url, raw.videoUrl, raw.imageUrl);
    if (url === null || typeof raw.prompt !== "string") {
      return null;
    }
    const settings = isPlainObject(raw.settings) ? Object.assign({}, raw.settings) : {};
    let type = raw.type;
    if (!TYPES.includes(type)) {
      const videoish =
        firstText(raw.videoUrl, raw.thumbnailUrl) !== null ||
        firstNumber(raw.duration, settings.duration, settings.frameRate) !== undefined ||
        /video/i.test(hint);
      type = videoish ? "video" : "image";
    }
    const model = firstText(raw.model, settings.model);
    const missing = (name) => settings[name] === undefined || settings[name] === null;
    if (missing("model") && model !== null) {
      settings.model = model;
    }
    for (const name of ["style", "resolution", "shotSize"]) {
      if (missing(name)) {
        // Older records lack some text settings the API now requires: an empty string says
        // "not recorded" without inventing a value; the item is kept rather than refused.
        settings[name] = typeof raw[name] === "string" ? raw[name] : "";
      }
    }
    if (type === "video") {
      if (missing("duration") && firstNumber(raw.duration) !== undefined) {
        settings.duration = raw.duration;
      }
      if (missing("frameRate") && firstNumber(raw.frameRate, raw.fps) !== undefined) {
        settings.frameRate = firstNumber(raw.frameRate, raw.fps);
      }
    }
    const item = { type: type, url: url, prompt: raw.prompt, model: model || "",
      settings: settings };
    const thumbnail = firstText(raw.thumbnailUrl, raw.thumbnail, raw.posterUrl);
    if (thumbnail !== null && safeUrl(thumbnail) !== null) {
      item.thumbnailUrl = thumbnail; // a refused thumbnail is dropped, the media kept
    }
    for (const name of ["projectId", "fileId", "requestId"]) {
      const value = idText(raw[name]);
      if (value !== undefined) {
        item[name] = value;
      }
    }
    const createdAt = isoDate(raw.createdAt) || isoDate(raw.timestamp);
    if (createdAt !== undefined) {
      item.createdAt = createdAt;
    }
    if (raw.favorite === true) {
      item.favorite = true;
    }
    return item;
  }

  function collectLegacy(value, path, depth, out) {
    if (Array.isArray(value)) {
      for (const raw of value) {
        const item = fromLegacy(raw, path);
        if (item) {
          out.push(item);
        }
      }
    } else if (isPlainObject(value) && depth < LEGACY_DEPTH) {
      for (const name of Object.keys(value)) {
        collectLegacy(value[name], path + "/" + name, depth + 1, out);
      }
    }
  }

  /** Media-like objects under every localStorage key outside "mediaapp:" (read, never changed). */
  function legacyDrafts() {
    const out = [];
    for (const key of storageKeys()) {
      if (!key.startsWith(APP_PREFIX)) {
        collectLegacy(storageGet(key), key, 0, out);
      }
    }
    return out;
  }

  /** A queued save as an import item: its date is when it was queued, not when it is sent. */
  function fromQueueEntry(entry) {
    const item = Object.assign({}, entry.payload);
    if (item.createdAt === undefined) {
      const queuedAt = isoDate(entry.queuedAt);
      if (queuedAt !== undefined) {
        item.createdAt = queuedAt;
      }
    }
    return item;
  }

  // ---------------------------------------------------------------- SHA-256

  const SHA256_K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
  ]);

  /** SHA-256 in plain JavaScript, for plain-http origins where crypto.subtle does not exist. */
  function sha256Fallback(bytes) {
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f,
      0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const length = Math.ceil((bytes.length + 9) / 64) * 64;
    const data = new Uint8Array(length);
    data.set(bytes);
    data[bytes.length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(length - 8, Math.floor(bytes.length / 0x20000000));
    view.setUint32(length - 4, (bytes.length * 8) >>> 0);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < length; offset += 64) {
      for (let i = 0; i < 16; i += 1) {
        w[i] = view.getUint32(offset + i * 4);
      }
      for (let i = 16; i < 64; i += 1) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i += 1) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
          SHA256_K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>>
          0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) >>> 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) >>> 0;
      }
      h[0] += a;
      h[1] += b;
      h[2] += c;
      h[3] += d;
      h[4] += e;
      h[5] += f;
      h[6] += g;
      h[7] += hh;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    h.forEach((word, i) => outView.setUint32(i * 4, word));
    return out;
  }

  async function sha256Hex(textValue) {
    const bytes = new TextEncoder().encode(textValue);
    let digest;
    const subtle = window.crypto && window.crypto.subtle;
    if (subtle && typeof subtle.digest === "function") {
      digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
    } else {
      digest = sha256Fallback(bytes);
    }
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** The same legacy item always gets the same requestId, in any browser, on any origin. */
  async function localRequestId(item) {
    return LOCAL_ID_PREFIX + await sha256Hex(
      [item.url, item.prompt, item.createdAt || ""].join("|"));
  }

  // ---------------------------------------------------------------- import

  async function runImport() {
    const items = await findImportable();
    const totals = { imported: 0, duplicate: 0, rejected: 0 };
    for (let start = 0; start < items.length; start += IMPORT_CHUNK) {
      const chunk = items.slice(start, start + IMPORT_CHUNK);
      const result = await call("POST", "/media/import", { items: chunk });
      const answers = result.ok && result.body && isPlainObject(result.body.data)
        ? result.body.data.results
        : null;
      if (!Array.isArray(answers)) {
        if (result.offline) {
          showOffline();
        }
        const error = refusal(result, "The import failed");
        error.offline = result.offline;
        error.result = Object.assign({}, totals);
        throw error;
      }
      const confirmed = [];
      const refused = [];
      for (const answer of answers) {
        const item = answer && Number.isInteger(answer.index) ? chunk[answer.index] : undefined;
        if (!item) {
          continue;
        }
        if (answer.status === "imported" || answer.status === "duplicate") {
          totals[answer.status] += 1;
          confirmed.push(item.requestId);
        } else if (answer.status === "rejected") {
          totals.rejected += 1;
          refused.push(item.requestId);
        }
      }
      addIds("imported", confirmed);
      addIds("import-rejected", refused);
      const sent = new Set(confirmed);
      writeQueue(readQueue().filter((e) => !sent.has(e.payload.requestId)));
      showOnline();
    }
    if (items.length > 0) {
      emit("mediacache:imported", Object.assign({}, totals));
    }
    return totals;
  }

  // ---------------------------------------------------------------- the import offer

  function plural(n, one, many) {
    return n === 1 ? one : many.replace("#", String(n));
  }

  function asSentence(message) {
    const s = String(message || "").trim();
    return /[.!?]$/.test(s) ? s : s + ".";
  }

  function offerText(count) {
    return "This browser holds " + plural(count, "1 item that isn't", "# items that aren't") +
      " in your history yet.";
  }

  function resultText(totals) {
    let message = "Imported " + plural(totals.imported, "1 item", "# items") + " (" +
      plural(totals.duplicate, "1 was", "# were") + " already there).";
    if (totals.rejected > 0) {
      message += " " + plural(totals.rejected, "1 item", "# items") +
        " could not be imported.";
    }
    return message;
  }

  /** Put the banner right after #offline-notice, or else just before #media-grid. */
  function placeBanner(box) {
    const old = document.getElementById(OFFER_ID);
    if (old) {
      old.replaceWith(box);
      return true;
    }
    const notice = document.getElementById("offline-notice");
    const grid = document.getElementById("media-grid");
    if (notice && notice.parentNode) {
      notice.after(box);
    } else if (grid && grid.parentNode) {
      grid.before(box);
    } else {
      return false;
    }
    return true;
  }

  function showImportResult(message) {
    const box = el("div", "import-offer import-offer--done");
    box.id = OFFER_ID;
    box.setAttribute("role", "status");
    const line = el("p", "import-offer__text");
    line.textContent = message;
    box.appendChild(line);
    placeBanner(box);
  }

  function showImportOffer(count) {
    const owner = readConfig().ownerKey;
    const box = el("section", "import-offer");
    box.id = OFFER_ID;
    box.setAttribute("aria-label", "Items in this browser");
    const line = el("p", "import-offer__text");
    line.setAttribute("aria-live", "polite");
    line.textContent = offerText(count);
    const accept = el("button", "import-offer__button button button--primary");
    accept.type = "button";
    accept.textContent = "Import them";
    const later = el("button", "import-offer__button button button--ghost");
    later.type = "button";
    later.textContent = "Not now";
    box.append(line, accept, later);

    later.addEventListener("click", () => {
      storageSet(DISMISS_KEY, owner, "sessionStorage"); // asked again in the next session
      box.remove();
    });
    accept.addEventListener("click", () => {
      accept.disabled = true;
      later.disabled = true;
      box.setAttribute("aria-busy", "true");
      line.textContent = "Importing " + plural(count, "1 item", "# items") + "…";
      importLocal().then((totals) => {
        const message = resultText(totals);
        if (totals.imported > 0) {
          // The server-rendered grid and counts are the truth: reload them, and say what
          // happened on the page that comes back.
          storageSet(RESULT_KEY, { ownerKey: owner, message: message }, "sessionStorage");
          line.textContent = message;
          window.location.reload();
        } else {
          showImportResult(message);
        }
      }, (error) => {
        const done = error.result && error.result.imported > 0
          ? " " + resultText(error.result)
          : "";
        const why = error.status === 0
          ? "The server could not be reached."
          : asSentence(error.message);
        line.textContent = "The import did not finish: " + why + done +
          " Your items are still in this browser; try again later.";
        accept.disabled = false;
        later.disabled = false;
        box.removeAttribute("aria-busy");
      });
    });
    placeBanner(box);
  }

  /** On the gallery, once the API has answered: offer what this browser holds. */
  function offerImport() {
    const cfg = readConfig();
    if (cfg.page !== "gallery" || cfg.offline || !cfg.ownerKey) {
      return;
    }
    if (storageGet(DISMISS_KEY, "sessionStorage") === cfg.ownerKey) {
      return;
    }
    // A queued save that the flush delivers is not worth offering: wait for it.
    Promise.resolve(flushing)
      .then(() => findImportable(), () => findImportable())
      .then((items) => {
        if (items.length > 0 && !importing) {
          showImportOffer(items.length);
        }
      }, () => undefined);
  }

  function showStoredImportResult() {
    const stored = storageGet(RESULT_KEY, "sessionStorage");
    if (stored === null) {
      return;
    }
    storageRemove(RESULT_KEY, "sessionStorage");
    if (isPlainObject(stored) && stored.ownerKey === readConfig().ownerKey &&
        typeof stored.message === "string") {
      showImportResult(stored.message);
    }
  }

  // ---------------------------------------------------------------- painting cards

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
      } else if (!outcome.offline) {
        offerImport(); // importing needs the server, so only offer once it has answered
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
      if (!(form instanceof HTMLFormElement)) {
        return;
      }
      if (form.matches("form[data-cache-clear]")) {
        clear();
      } else if (isSignInForm(form, event.submitter)) {
        beforeSignIn();
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
    adoptFromSignIn(); // before the purge removes the guest's keys
    purgeOtherOwners();
    bindListeners();
    if (cfg.offline) {
      showOffline();
    }
    if (cfg.ownerKey && cfg.page === "gallery") {
      showStoredImportResult();
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
    findImportable: findImportable,
    importLocal: importLocal,
    beforeSignIn: beforeSignIn,
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
