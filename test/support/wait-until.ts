/** Polls `condition` until it holds; throws, naming what it waited for, once the deadline passes. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, { timeoutMs = 30_000, everyMs = 200 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
