/** Runs the chaos scenarios on one cluster, one after the other (each starts clean), for the CLI and the CI test. */
import { Cluster } from './cluster.js';
import { chaosMarkdown, prepareMembers, runScenario, SCENARIOS, type ScenarioResult } from './scenarios.js';

export interface ChaosOptions {
  orders: number;
  concurrency: number;
  short: boolean;
  keep?: boolean;
  only?: string[];
  appDir?: string;
  say?: (line: string) => void;
  command?: string;
}

export interface ChaosResult {
  startedAt: string;
  seconds: number;
  options: Omit<ChaosOptions, 'say'>;
  results: ScenarioResult[];
  ok: boolean;
  markdown: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const say = options.say ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const unknown = (options.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const scenarios = SCENARIOS.filter((s) => options.only === undefined || options.only.includes(s.name));
  const cluster = new Cluster({ ...(options.appDir === undefined ? {} : { appDir: options.appDir }), say });
  const results: ScenarioResult[] = [];
  let failed = false;
  say('starting Temporal, FerretDB, emulator, worker and API as separate processes …');
  await cluster.start();
  try {
    const members = await prepareMembers(cluster, options.concurrency);
    for (const scenario of scenarios) {
      say(`${scenario.name}: ${scenario.description}`);
      const size = { orders: options.orders, concurrency: options.concurrency, short: options.short };
      const result = await runScenario(cluster, scenario, size, members, say);
      results.push(result);
      const bad = result.lost + result.duplicates + result.mismatches > 0;
      failed ||= bad;
      say(
        `${scenario.name}: ${result.orders} orders, ${result.completed} completed, ${result.lost} lost, ${result.duplicates} duplicates, ${result.mismatches} mismatches` +
          `${result.recoveryMs === null ? '' : `, recovered in ${Math.round(result.recoveryMs / 100) / 10} s`} (${result.seconds} s)${bad ? ' ✗' : ''}`,
      );
    }
  } catch (error) {
    say(`run failed: ${(error as Error).stack ?? String(error)}; logs in ${cluster.logDir}`);
    for (const name of ['api', 'worker', 'database']) say(`last lines of ${name}.log:\n${await cluster.logTail(name)}`);
    failed = true;
    await cluster.close(true);
    throw error;
  }
  await cluster.close(options.keep === true || failed);
  const { say: _say, ...printable } = options;
  const markdown = chaosMarkdown(results, options.command ?? 'npm run chaos', startedAt);
  return {
    startedAt,
    seconds: Math.round((Date.now() - t0) / 1000),
    options: printable,
    results,
    ok: !failed && results.every((r) => r.completed > 0),
    markdown,
  };
}
