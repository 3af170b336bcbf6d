/**
 * media-cache.mjs — media-cache.js as an ES module, for any frontend on mediaapp's origin
 * (README.md, "The localStorage cache" and "Integration guide"):
 *
 *   import MediaCache, { connect, save, cached, load } from "/static/js/media-cache.mjs";
 *   await connect();                 // whose cache: GET /api/auth/me's cacheKey
 *   cached("image");                 // at once, from localStorage
 *   await save(request);             // through the API; queued and retried when offline
 *
 * It runs media-cache.js itself (once, even on a page that also loads the classic script,
 * as the gallery does), so both share one cache, one queue and one window.MediaCache.
 * A page that renders <body data-owner-key> needs no connect(). Loaded from a file, it works
 * under a CSP of script-src 'self'.
 */
import "./media-cache.js";

const core = window.MediaCache;

export const {
  cached,
  load,
  flush,
  remove,
  clear,
  beforeSignIn,
  request,
  queued,
  dequeue,
  ready,
  configure,
} = core;

/** The owner key in force ("" until the visitor has one). */
export function ownerKey() {
  return core.ownerKey;
}

/**
 * Ask the API whose cache this browser should use, and use it.
 * @param {{apiBase?: string}} [options] where the API is (default "/api", or <body data-api-base>)
 * @returns {Promise<string>} the owner key ("" for a visitor who has not saved yet, or when
 *   the API is out of reach: the cache then stays off until a later connect()).
 */
export async function connect(options = {}) {
  if (typeof options.apiBase === "string") {
    configure({ apiBase: options.apiBase });
  }
  const answer = await request("GET", "/auth/me");
  const key = answer.ok && answer.body.data ? answer.body.data.cacheKey : "";
  return typeof key === "string" && key ? configure({ ownerKey: key }) : core.ownerKey;
}

/**
 * MediaCache.save(); a visitor's first save makes it a guest, so the cache is connected then
 * and filled from the API.
 * @param {Object} payload a SaveMediaRequest
 * @returns {Promise<{record: (Object|null), queued: boolean}>}
 */
export async function save(payload) {
  const outcome = await core.save(payload);
  if (outcome.record && !core.ownerKey && (await connect())) {
    await load(outcome.record.type);
  }
  return outcome;
}

export default core;
