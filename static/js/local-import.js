/**
 * local-import.js — bring the history this browser holds into the owner's history.
 *
 * Loaded by the gallery page only (templates/gallery/index.html), after media-cache.js,
 * whose public API it uses (window.MediaCache: ownerKey, ready, queued, dequeue, flush,
 * request). It exposes window.LocalImport = {findImportable, importLocal}.
 *
 * What it offers: the owner's queued saves, and history the app kept in localStorage before
 * it had a database (any key outside "mediaapp:" holding an array of objects with a url and a
 * prompt, directly or one or two object levels down; legacy names such as imageUrl, videoUrl
 * and timestamp are mapped). An item without a requestId gets "local-" + SHA-256 of
 * url|prompt|createdAt (crypto.subtle, so localhost or https), so importing it again is a
 * no-op. Whether an item is acceptable is the server's question alone: POST
 * /api/media/import answers each one imported, duplicate or rejected (with details), and
 * those answers are what the summary counts. Remembered per owner, so nothing is offered
 * twice: mediaapp:v1:<ownerKey>:imported (confirmed) and …:import-rejected (refused).
 * Legacy keys are only ever read.
 *
 * The offer: once the gallery's first load has reached the API, a section#import-offer
 * after #offline-notice says "This browser holds N items that aren't in your history yet."
 * with "Import them" and "Not now" (hidden for the rest of the tab's session). After an
 * import that added anything the page reloads and says "Imported X items (Y were already
 * there)." in div#import-offer.import-offer--done; a failure is said in the banner, which
 * stays so the user can try again.
 *
 * Event on document: mediacache:imported {imported, duplicate, rejected, refusals:
 * [{requestId, details}]}.
 */
(function () {
  "use strict";

  const PREFIX = "mediaapp:v1:";
  const APP_PREFIX = "mediaapp:"; // any version: keys outside it may be legacy history
  const TYPES = ["image", "video"];
  const RESULT_KEY = PREFIX + "import-result"; // sessionStorage: said after the reload
  const DISMISS_KEY = PREFIX + "import-dismissed"; // sessionStorage: "Not now"
  const OFFER_ID = "import-offer";
  const CHUNK = 1000; // the most POST /api/media/import takes at once
  const LEGACY_DEPTH = 2; // arrays directly under a key, or one or two objects down
  const LOCAL_ID_PREFIX = "local-";

  let importing = null;

  // ---------------------------------------------------------------- storage (never throws)

  function storageGet(key, area) {
    try {
      const raw = window[area || "localStorage"].getItem(key);
      return raw === null ? null : JSON.parse(raw);
    } catch (_err) {
      return null; // private mode, storage disabled, or a value that is not JSON
    }
  }

  function storageSet(key, value, area) {
    try {
      window[area || "localStorage"].setItem(key, JSON.stringify(value));
      return true;
    } catch (_err) {
      return false; // quota exceeded or storage unavailable
    }
  }

  function storageRemove(key, area) {
    try {
      window[area || "localStorage"].removeItem(key);
    } catch (_err) {
      /* storage unavailable: nothing to remove */
    }
  }

  function storageKeys() {
    try {
      return Object.keys(window.localStorage);
    } catch (_err) {
      return [];
    }
  }

  const ownerKey = () => (window.MediaCache ? window.MediaCache.ownerKey : "");
  const idsKey = (name) => PREFIX + ownerKey() + ":" + name;

  function readIds(name) {
    const stored = storageGet(idsKey(name));
    return Array.isArray(stored) ? stored.filter((id) => typeof id === "string" && id) : [];
  }

  function addIds(name, ids) {
    if (ids.length > 0) {
      storageSet(idsKey(name), Array.from(new Set(readIds(name).concat(ids))));
    }
  }

  // ---------------------------------------------------------------- legacy items

  const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
  const firstNumber = (...values) => values.find(isNumber);

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
    const date = new Date(time);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }

  /**
   * One legacy object in the import format, or null when it is not generated media (no url,
   * no prompt). hint is the key and property path it was found under ("…video…" makes an
   * untyped item a video). Whether the server accepts the result is the server's business.
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
        // "not recorded" without inventing a value.
        settings[name] = typeof raw[name] === "string" ? raw[name] : "";
      }
    }
    if (type === "video") {
      if (missing("duration") && isNumber(raw.duration)) {
        settings.duration = raw.duration;
      }
      if (missing("frameRate") && firstNumber(raw.frameRate, raw.fps) !== undefined) {
        settings.frameRate = firstNumber(raw.frameRate, raw.fps);
      }
    }
    const item = { type, url, prompt: raw.prompt, model: model || "", settings };
    const thumbnail = firstText(raw.thumbnailUrl, raw.thumbnail, raw.posterUrl);
    if (thumbnail !== null) {
      item.thumbnailUrl = thumbnail;
    }
    for (const name of ["projectId", "fileId", "requestId"]) {
      if (idText(raw[name]) !== undefined) {
        item[name] = idText(raw[name]);
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
      value.map((raw) => fromLegacy(raw, path)).filter(Boolean).forEach((item) => out.push(item));
    } else if (isPlainObject(value) && depth < LEGACY_DEPTH) {
      for (const name of Object.keys(value)) {
        collectLegacy(value[name], path + "/" + name, depth + 1, out);
      }
    }
  }

  /** Media-like objects under every localStorage key outside "mediaapp:" (read, never changed). */
  function legacyDrafts() {
    const out = [];
    storageKeys().filter((key) => !key.startsWith(APP_PREFIX))
      .forEach((key) => collectLegacy(storageGet(key), key, 0, out));
    return out;
  }

  /** A queued save as an import item: its date is when it was queued, not when it is sent. */
  function fromQueueEntry(entry) {
    const item = Object.assign({}, entry.payload);
    if (item.createdAt === undefined && isoDate(entry.queuedAt) !== undefined) {
      item.createdAt = isoDate(entry.queuedAt);
    }
    return item;
  }

  /** "local-" + SHA-256(url|prompt|createdAt) in hex: the same item, the same id, anywhere. */
  async function localRequestId(item) {
    const bytes = new TextEncoder().encode([item.url, item.prompt, item.createdAt || ""].join("|"));
    const digest = new Uint8Array(await window.crypto.subtle.digest("SHA-256", bytes));
    return LOCAL_ID_PREFIX + Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---------------------------------------------------------------- public functions

  /**
   * The items this browser holds that the server may not have, in the import format: the
   * owner's queued saves, then the legacy history. Items the server already confirmed or
   * refused are left out, and so is a legacy item without a requestId where crypto.subtle
   * is missing (a plain-http origin): it could not get its deterministic id. Sends nothing.
   * @returns {Promise<Array<Object>>} import items ({type, url, prompt, model, settings,
   *   requestId, createdAt?, thumbnailUrl?, projectId?, fileId?, favorite?}); [] without an
   *   owner.
   */
  async function findImportable() {
    if (!ownerKey()) {
      return [];
    }
    const known = new Set(readIds("imported").concat(readIds("import-rejected")));
    const found = [];
    const add = (item) => {
      if (typeof item.requestId === "string" && item.requestId && !known.has(item.requestId)) {
        known.add(item.requestId); // also drops the same item found under a second key
        found.push(item);
      }
    };
    window.MediaCache.queued().forEach((entry) => add(fromQueueEntry(entry)));
    const subtle = window.crypto && window.crypto.subtle;
    for (const draft of legacyDrafts()) {
      if (!draft.requestId && subtle) {
        draft.requestId = await localRequestId(draft);
      }
      add(draft);
    }
    return found;
  }

  function failure(result, totals) {
    const said = result.body && typeof result.body.error === "string" ? result.body.error : "";
    const error = new Error(said || "The import failed (HTTP " + result.status + ")");
    return Object.assign(error, { status: result.status, body: result.body,
      offline: result.offline, result: Object.assign({}, totals) });
  }

  /** Only the thumbnail was refused: the item goes in without it rather than not at all. */
  const onlyThumbnailRefused = (answer, item) =>
    item.thumbnailUrl !== undefined && isPlainObject(answer.details) &&
    Object.keys(answer.details).join() === "thumbnailUrl";

  const BUSY_TRIES = 5; // another import running: wait as told, this many times at most

  /** POST one chunk; while the server says another import is running (429 busy), wait the
   * seconds it names and try again, a few times. */
  async function postChunk(chunk) {
    for (let attempt = 1; ; attempt += 1) {
      const result = await window.MediaCache.request("POST", "/media/import", { items: chunk });
      const busy = result.status === 429 && result.body && result.body.code === "busy";
      if (!busy || attempt >= BUSY_TRIES) {
        return result;
      }
      const details = isPlainObject(result.body.details) ? result.body.details : {};
      const seconds = Math.min(Math.max(Number(details.retryAfter) || 2, 1), 10);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }

  /** Send one chunk and count the server's answers; totals and refusals are added to. */
  async function importChunk(chunk, totals, refusals) {
    const result = await postChunk(chunk);
    const data = result.ok ? result.body.data : null;
    if (!isPlainObject(data) || !Array.isArray(data.results)) {
      throw failure(result, totals);
    }
    const confirmed = [];
    const refused = [];
    const retry = [];
    for (const answer of data.results) {
      const item = isPlainObject(answer) ? chunk[answer.index] : undefined;
      if (!item || !Object.hasOwn(totals, answer.status)) {
        continue;
      }
      if (answer.status === "rejected" && onlyThumbnailRefused(answer, item)) {
        const bare = Object.assign({}, item);
        delete bare.thumbnailUrl;
        retry.push(bare);
        continue;
      }
      totals[answer.status] += 1;
      if (answer.status === "rejected") {
        refused.push(item.requestId);
        refusals.push({ requestId: item.requestId, details: answer.details || {} });
      } else {
        confirmed.push(item.requestId);
      }
    }
    addIds("imported", confirmed);
    addIds("import-rejected", refused);
    window.MediaCache.dequeue(confirmed);
    if (retry.length > 0) {
      await importChunk(retry, totals, refusals); // without thumbnails: cannot loop
    }
  }

  async function runImport() {
    const items = await findImportable();
    const totals = { imported: 0, duplicate: 0, rejected: 0 };
    const refusals = [];
    for (let start = 0; start < items.length; start += CHUNK) {
      await importChunk(items.slice(start, start + CHUNK), totals, refusals);
    }
    if (items.length > 0) {
      const detail = Object.assign({ refusals }, totals);
      document.dispatchEvent(new CustomEvent("mediacache:imported", { detail }));
    }
    return totals;
  }

  /**
   * Import what findImportable() finds through POST <api>/media/import, at most 1,000 items
   * per request, and count the server's answer for each: imported, duplicate (it already had
   * that requestId, so importing twice adds nothing) or rejected (its details say why; an
   * item refused only for its thumbnail is sent once more without it). Confirmed items leave
   * the queue; both kinds are remembered, so neither is offered again. Concurrent calls share
   * one run.
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

  // ---------------------------------------------------------------- the offer

  function plural(n, one, many) {
    return n === 1 ? one : many.replace("#", String(n));
  }

  function resultText(totals) {
    let message = "Imported " + plural(totals.imported, "1 item", "# items") + " (" +
      plural(totals.duplicate, "1 was", "# were") + " already there).";
    if (totals.rejected > 0) {
      message += " " + plural(totals.rejected, "1 item", "# items") + " could not be imported.";
    }
    return message;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /** Put the banner right after #offline-notice, or else just before #media-grid. */
  function placeBanner(box) {
    const old = document.getElementById(OFFER_ID);
    const notice = document.getElementById("offline-notice");
    const grid = document.getElementById("media-grid");
    box.id = OFFER_ID;
    if (old) {
      old.replaceWith(box);
    } else if (notice) {
      notice.after(box);
    } else if (grid) {
      grid.before(box);
    }
  }

  function showResult(message) {
    const box = el("div", "import-offer import-offer--done");
    box.setAttribute("role", "status");
    box.appendChild(el("p", "import-offer__text", message));
    placeBanner(box);
  }

  function importClicked(box, line, count) {
    const buttons = box.querySelectorAll("button");
    const busy = (on) => {
      buttons.forEach((button) => {
        button.disabled = on;
      });
      box.toggleAttribute("aria-busy", on);
    };
    busy(true);
    line.textContent = "Importing " + plural(count, "1 item", "# items") + "…";
    importLocal().then((totals) => {
      if (totals.imported === 0) {
        showResult(resultText(totals));
        return;
      }
      // The server-rendered grid and counts are the truth: reload them, and say what
      // happened on the page that comes back.
      storageSet(RESULT_KEY, { ownerKey: ownerKey(), message: resultText(totals) },
        "sessionStorage");
      line.textContent = resultText(totals);
      window.location.reload();
    }, (error) => {
      const done = error.result && error.result.imported > 0 ? " " + resultText(error.result) : "";
      const said = String(error.message).trim();
      const why = error.status === 0 ? "The server could not be reached."
        : said + (/[.!?]$/.test(said) ? "" : ".");
      line.textContent = "The import did not finish: " + why + done +
        " Your items are still in this browser; try again later.";
      busy(false);
    });
  }

  function showOffer(count) {
    const box = el("section", "import-offer");
    box.setAttribute("aria-label", "Items in this browser");
    const line = el("p", "import-offer__text", "This browser holds " +
      plural(count, "1 item that isn't", "# items that aren't") + " in your history yet.");
    line.setAttribute("aria-live", "polite");
    const accept = el("button", "import-offer__button button button--primary", "Import them");
    const later = el("button", "import-offer__button button button--ghost", "Not now");
    accept.type = "button";
    later.type = "button";
    box.append(line, accept, later);
    later.addEventListener("click", () => {
      storageSet(DISMISS_KEY, ownerKey(), "sessionStorage"); // asked again next session
      box.remove();
    });
    accept.addEventListener("click", () => importClicked(box, line, count));
    placeBanner(box);
  }

  function start() {
    const cache = window.MediaCache;
    if (!cache || !cache.ownerKey || document.body.dataset.offline === "1") {
      return;
    }
    const stored = storageGet(RESULT_KEY, "sessionStorage");
    storageRemove(RESULT_KEY, "sessionStorage");
    if (isPlainObject(stored) && stored.ownerKey === cache.ownerKey &&
        typeof stored.message === "string") {
      showResult(stored.message);
    }
    if (storageGet(DISMISS_KEY, "sessionStorage") === cache.ownerKey) {
      return;
    }
    // Importing needs the server, so offer only once the gallery's load has reached it, and
    // after the queue's own flush: a save that it delivers is not worth offering.
    cache.ready
      .then((outcome) => (outcome && !outcome.offline ? cache.flush() : Promise.reject()))
      .then(() => findImportable())
      .then((items) => {
        if (items.length > 0 && !importing) {
          showOffer(items.length);
        }
      }, () => undefined);
  }

  window.LocalImport = Object.freeze({ findImportable, importLocal });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
