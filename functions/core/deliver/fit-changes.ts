import type { AlertChange, AlertMessage } from '../../contract/alert-message.ts';

/**
 * The largest rendering that a provider accepts: `build` lays out the first `k` changes
 * (most important first) and says how many were left out; `fits` checks the provider's
 * limits on the finished body. Checking the real body, not an estimate, keeps the
 * limits exact whatever escaping did to the lengths. Fewer changes never make a
 * bigger body, so a binary search over `k` finds the best one in log(n) builds.
 */
export function fitChanges<T>(msg: AlertMessage, build: (changes: AlertChange[], omitted: number) => T, fits: (body: T) => boolean): T {
  const total = msg.changes.length;
  const render = (k: number) => build(msg.changes.slice(0, k), total - k);
  const all = render(total);
  if (fits(all)) return all;
  let lo = 0;
  let hi = total - 1;
  let best = render(0);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const body = render(mid);
    if (fits(body)) {
      best = body;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
