/**
 * Redaction by value: every piece of a request that can carry a secret (the URL's user
 * info, path segments and query values; header values such as `authorization`) is
 * replaced wherever it appears in text that is logged, in whatever form the server
 * echoed it (a 404 page saying `Cannot POST /services/T0/B0/SECRETTOKEN` quotes only the
 * path, undici quotes the whole URL). Matching the exact URL string alone missed those.
 */
export const REDACTED = '<redacted>';

/** Secrets shorter than this are not worth a false match (`T0`, `api`). */
const MIN_SECRET_CHARS = 6;
/** Path words that name an API, not a credential; anything with a digit, capital or symbol is treated as secret. */
const PLAIN_WORD = /^[a-z-]+$/;

export interface RequestLike {
  url: string;
  headers?: Record<string, string>;
}

export function secretsOf(request: RequestLike, extra: readonly (string | undefined)[] = []): string[] {
  const secrets = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined || value.length < MIN_SECRET_CHARS) return;
    secrets.add(value);
    try {
      const decoded = decodeURIComponent(value);
      if (decoded.length >= MIN_SECRET_CHARS) secrets.add(decoded);
    } catch {
      // not percent-encoded
    }
  };
  try {
    const url = new URL(request.url);
    add(url.username);
    add(url.password);
    if (url.pathname.length > 1) add(url.pathname);
    add(`${url.pathname}${url.search}`);
    for (const segment of url.pathname.split('/')) if (!PLAIN_WORD.test(segment)) add(segment);
    for (const [, value] of url.searchParams) add(value);
    if (url.search.length > 1) add(url.search.slice(1));
  } catch {
    add(request.url); // not a URL: the whole string is the secret
  }
  add(request.url);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (/^(content-type|accept|user-agent|content-length)$/i.test(name)) continue;
    add(value);
    const space = value.indexOf(' ');
    if (space > 0) add(value.slice(space + 1)); // `Bearer TOKEN`, `Basic BASE64`
  }
  for (const value of extra) add(value);
  return [...secrets];
}

/** `text` with every secret replaced, longest first (so a URL goes before the path inside it). Linear per secret. */
export function redactValues(text: string, secrets: readonly string[]): string {
  return [...secrets].sort((a, b) => b.length - a.length).reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
