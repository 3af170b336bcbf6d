// A small same-origin client written against the types openapi-typescript generates from
// /api/openapi.json (tests/test_clients.py writes them to ./api.d.ts beside this file and
// compiles both with `tsc --noEmit --strict`). It is what a frontend would write: save a
// generation, then read the whole history back page by page with the cursor.
import type { components, operations } from "./api";

type Media = components["schemas"]["Media"];
type SaveMedia = components["schemas"]["SaveMedia"];
type ApiError = components["schemas"]["Error"];
type ListQuery = NonNullable<operations["list_media"]["parameters"]["query"]>;
type Saved =
  | operations["save_media"]["responses"][201]["content"]["application/json"]
  | operations["save_media"]["responses"][200]["content"]["application/json"];
type Page = operations["list_media"]["responses"][200]["content"]["application/json"];

export class MediaApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(`${body.code}: ${body.error}`);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body: unknown = await response.json();
  if (!response.ok) throw new MediaApiError(response.status, body as ApiError);
  return body as T;
}

// The session cookie goes along (same origin); a JSON body is what the API's CSRF rule
// asks of a browser: it refuses other sites' unsafe requests by their Origin.
export async function saveMedia(base: string, item: SaveMedia): Promise<Media> {
  const response = await fetch(`${base}/api/media/save`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(item),
  });
  const saved = await answer<Saved>(response);
  return saved.data;
}

export async function listPage(base: string, query: ListQuery): Promise<Page> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const response = await fetch(`${base}/api/media/list?${params}`, {
    credentials: "same-origin",
  });
  return answer<Page>(response);
}

export async function wholeHistory(base: string, type?: Media["type"]): Promise<Media[]> {
  const items: Media[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listPage(base, { type, limit: 50, cursor });
    items.push(...page.data);
    if (!page.pagination.hasMore || page.pagination.nextCursor === null) return items;
    cursor = page.pagination.nextCursor;
  }
}

export async function saveThenRead(base: string): Promise<string[]> {
  const saved = await saveMedia(base, {
    type: "image",
    url: "https://cdn.example.com/cat.png",
    prompt: "a cat in a spacesuit",
    model: "flux-pro",
    settings: { model: "flux-pro", style: "photo", resolution: "1024x1024", shotSize: "wide" },
    requestId: "job-42",
  });
  const history = await wholeHistory(base, "image");
  return [saved.id, ...history.map((media) => media.createdAt)];
}
