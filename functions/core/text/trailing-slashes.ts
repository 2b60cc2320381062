/** `text` without trailing `/`s: a loop, since `/\/+$/` is quadratic on a long run of slashes that ends elsewhere. */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end--;
  return text.slice(0, end);
}
