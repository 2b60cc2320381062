/**
 * The JSON paths a `data` rule names: `$` followed by `.key` and `[index]` steps (the
 * contract's znode-rules.ts checks their form), nothing more.
 */
export function readJsonPath(value: unknown, path: string): { present: boolean; value?: unknown } {
  let current = value;
  for (const [, key, index] of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return { present: false };
    const step = key ?? Number(index);
    if (!(step in (current as Record<string | number, unknown>))) return { present: false };
    current = (current as Record<string | number, unknown>)[step];
  }
  return { present: true, value: current };
}
