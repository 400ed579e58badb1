/** Writes a bench or chaos report to reports/ as JSON and Markdown (timestamped, plus a `-latest` copy). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeReport(
  kind: string,
  json: unknown,
  markdown: string,
  label?: string,
): Promise<{ json: string; markdown: string }> {
  const dir = path.resolve('reports');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const suffix = label === undefined || label === '' ? '' : `-${label.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
  const base = path.join(dir, `${kind}${suffix}-${stamp}`);
  const latest = path.join(dir, `${kind}${suffix}-latest`);
  for (const file of [base, latest]) {
    await writeFile(`${file}.json`, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(`${file}.md`, markdown);
  }
  return { json: `${base}.json`, markdown: `${base}.md` };
}
