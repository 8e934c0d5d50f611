/** A one-line progress bar on a terminal stream; silent when the stream is not a terminal. */
export interface ProgressBar {
  update(label: string, done: number, total: number, phase: string): void;
  /** Clears the bar so later output starts on a clean line. */
  clear(): void;
}

interface TtyLike {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function createProgressBar(stream: TtyLike, enabled = !!stream.isTTY): ProgressBar {
  let drawn = false;
  let last = 0;
  return {
    update(label, done, total, phase) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 50 && done < total) return;
      last = now;
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 50));
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const fill = Math.round(frac * width);
      const count = total > 1 ? ` ${done}/${total}` : '';
      const text = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${Math.round(frac * 100).toString().padStart(3)}% ${label} ${phase}${count}`;
      stream.write(`\r\x1b[K${text.slice(0, (stream.columns ?? 80) - 1)}`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
