/** A one-line progress bar on stderr (redrawn in place on a terminal, a line every 10 % otherwise). */

export class ProgressBar {
  private lastDecile = -1;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (performance.now() - this.started) / 1000;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${done}/${this.total} ${this.unit} ${seconds.toFixed(0)} s${extra === '' ? '' : ` ${extra}`}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }

  finish(extra = ''): void {
    this.update(this.total, extra);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
