/**
 * The fast tier needs only the time-skipping test server (each file starts its own) and the workflow
 * code, bundled once here for every file instead of once per file. No dev server, no database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../config/index.js';
import { resolveTools } from '../../scripts/tools.js';
import { workflowsPath } from '../../worker/worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The working tree's workflow code, bundled by the fast tier's global setup. */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  // Only the test server is used here (the database line of the provisioning report would mislead).
  const tools = await resolveTools({
    config,
    childEnv: process.env,
    say: (line) => {
      if (!line.includes('database')) console.log(line);
    },
  });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'orders-fast-'));
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  project.provide('temporalTestServerPath', tools.temporalTestServer.path);
  project.provide('workflowBundlePath', bundlePath);
  return () => rm(scratch, { recursive: true, force: true });
}
