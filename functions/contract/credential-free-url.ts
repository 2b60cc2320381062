/**
 * A URL with `user:password@` leaks: HTTP clients echo it in their errors (undici does),
 * and start-up lines print it. Configuration refuses such URLs; credentials go in the
 * secret or file made for them.
 */
export function hasUserInfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false; // not a URL: the schema's own URL check reports it
  }
}

export const userInfoRefused = (where: string): string =>
  `must not contain user:password@ (credentials in a URL end up in logs and error messages); put them in ${where}`;
