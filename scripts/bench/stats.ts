/** Latency samples per step and their percentiles. */

export interface StepSummary {
  step: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values (ms). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export class Latencies {
  private readonly samples = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();
  private readonly order: string[] = [];

  private touch(step: string): void {
    if (!this.samples.has(step)) {
      this.samples.set(step, []);
      this.failures.set(step, 0);
      this.order.push(step);
    }
  }

  record(step: string, ms: number, ok: boolean): void {
    this.touch(step);
    this.samples.get(step)?.push(ms);
    if (!ok) this.failures.set(step, (this.failures.get(step) ?? 0) + 1);
  }

  clear(): void {
    this.samples.clear();
    this.failures.clear();
    this.order.length = 0;
  }

  summary(): StepSummary[] {
    return this.order.map((step) => {
      const sorted = [...(this.samples.get(step) ?? [])].sort((a, b) => a - b);
      const r = (value: number) => Math.round(value * 10) / 10;
      return {
        step,
        count: sorted.length,
        errors: this.failures.get(step) ?? 0,
        p50: r(percentile(sorted, 50)),
        p95: r(percentile(sorted, 95)),
        p99: r(percentile(sorted, 99)),
        max: r(sorted.at(-1) ?? Number.NaN),
      };
    });
  }
}
