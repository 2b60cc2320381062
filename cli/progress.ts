/**
 * Progress of a long-running command on stderr (stdout stays clean for data and --json):
 * a count at most once per interval, and nothing at all for runs shorter than that.
 */
export interface ProgressOptions {
  /** @default process.stderr */
  write?: (text: string) => void;
  /** @default 1000 */
  everyMs?: number;
  now?: () => number;
}

export class Progress {
  private count = 0;
  private lastAt: number;
  private readonly write: (text: string) => void;
  private readonly everyMs: number;
  private readonly now: () => number;

  constructor(
    private readonly what: string,
    options: ProgressOptions = {},
  ) {
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.everyMs = options.everyMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.lastAt = this.now();
  }

  /** Counts `n` more items and says so when the interval has passed; `detail` is shown with the count. */
  add(n = 1, detail?: string): void {
    this.count += n;
    const now = this.now();
    if (now - this.lastAt < this.everyMs) return;
    this.lastAt = now;
    this.write(`${this.what}: ${this.count}${detail ? ` (${detail})` : ''} …\n`);
  }

  get total(): number {
    return this.count;
  }
}
