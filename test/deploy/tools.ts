/**
 * The deploy tests' tools, as `npm run provision` leaves them (README, "Provisioning"): helm built from
 * its Go module, kubernetes-validate from PyPI, and files of Go modules (the Compose Specification's
 * schema, the ServiceMonitor CRD, the official Temporal images' settings). Each is undefined, with the
 * reason, where it cannot be had (no Go, no Python): the tests that need it are skipped, saying why.
 * No Docker engine and no cluster: rendering and schemas only.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../config/index.js';
import {
  DEPLOY_GO_MODULES,
  ensureVenvTool,
  KUBERNETES_VALIDATE_VERSION,
  resolveGoModule,
  resolveHelm,
} from '../../scripts/tools.js';

const execFile = promisify(execFileCallback);

type ModuleName = keyof typeof DEPLOY_GO_MODULES;

export interface DeployTools {
  helm: string | undefined;
  kubernetesValidate: string | undefined;
  modules: Partial<Record<ModuleName, string>>;
  /** Why a tool is missing, one line each. */
  missing: string[];
}

export async function deployTools(): Promise<DeployTools> {
  const config = loadConfig({});
  const missing: string[] = [];
  const say = (line: string) => {
    if (line.includes('← none')) missing.push(line.replace(/^provision: /, ''));
  };
  const options = { config, childEnv: process.env, say };
  const helm = await resolveHelm(options);
  const kubernetesValidate = await ensureVenvTool(
    options,
    'kubernetes-validate',
    KUBERNETES_VALIDATE_VERSION,
    'kubernetes-validate',
  );
  if (kubernetesValidate === undefined) {
    missing.push(`kubernetes-validate ← none: Python 3 is needed to install PyPI kubernetes-validate`);
  }
  const modules: Partial<Record<ModuleName, string>> = {};
  for (const [name, module] of Object.entries(DEPLOY_GO_MODULES) as [ModuleName, string][]) {
    modules[name] = await resolveGoModule(options, module);
  }
  return { helm, kubernetesValidate, modules, missing };
}

/**
 * A PATH whose `helm` and `kubernetes-validate` are the provisioned ones, so the README's commands run
 * as written; `remove` deletes the folder of links.
 */
export async function commandSearchPath(
  tools: DeployTools,
): Promise<{ searchPath: string; remove: () => Promise<void> }> {
  const bin = await mkdtemp(path.join(os.tmpdir(), 'deploy-tools-'));
  if (tools.helm !== undefined) await symlink(tools.helm, path.join(bin, 'helm'));
  if (tools.kubernetesValidate !== undefined) {
    await symlink(tools.kubernetesValidate, path.join(bin, 'kubernetes-validate'));
  }
  return {
    searchPath: [bin, process.env['PATH']].join(path.delimiter),
    remove: () => rm(bin, { recursive: true, force: true }),
  };
}

/** Says once, clearly, why a file's tests are skipped. */
export function reportMissing(file: string, missing: string[]): void {
  for (const reason of missing) console.log(`deploy: ${file} skips what needs ${reason}`);
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the README's shell commands as written (bash, pipefail: a failing `helm` fails the pipe). */
export async function runCommand(command: string, searchPath: string): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFile('bash', ['-o', 'pipefail', '-c', command], {
      env: { ...process.env, PATH: searchPath },
      maxBuffer: 1 << 24,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
