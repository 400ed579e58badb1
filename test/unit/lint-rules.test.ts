/**
 * The workflow-import rule of eslint.config.js: workflow code runs in Temporal's deterministic sandbox,
 * so it may import activity, database, API and worker code for its types only. Checked with ESLint's
 * own API on snippets linted as if they were files in workflows/ and workflows/order/.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

const eslint = new ESLint({
  cwd: ROOT,
  // The snippets are not files of the TypeScript project: lint them without type information
  // (and without the two rules that need it; the import rule does not).
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: workflows import activities, db, api and worker for types only', () => {
  it.each([
    ['workflows/order/x.ts', '../../activities/checkout.js'],
    ['workflows/order/x.ts', '../../db/models/index.js'],
    ['workflows/order/x.ts', '../../api/errors.js'],
    ['workflows/order/x.ts', '../../worker/worker.js'],
    ['workflows/x.ts', '../activities/checkout.js'],
    ['workflows/x.ts', '../activities'],
  ])('%s: a value import of %s is an error', async (file, source) => {
    const errors = await importErrors(file, `import { x } from '${source}';\nexport const y = x;\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Workflows import activity types only');
  });

  it.each([
    ['workflows/order/x.ts', '../../activities/checkout.js'],
    ['workflows/x.ts', '../activities/checkout.js'],
  ])('%s: a type-only import of %s is allowed', async (file, source) => {
    expect(await importErrors(file, `import type { X } from '${source}';\nexport type Y = X;\n`)).toEqual([]);
  });

  it('the pure rules (domain/) and files merely named like a banned folder are allowed', async () => {
    const code =
      "import { isOrderId } from '../../domain/ids.js';\nimport { proxies } from './activities.js';\nexport const y = [isOrderId, proxies];\n";
    expect(await importErrors('workflows/order/x.ts', code)).toEqual([]);
  });

  it('the rule holds for workflow files only', async () => {
    const code = "import { x } from '../activities/checkout.js';\nexport const y = x;\n";
    expect(await importErrors('api/x.ts', code)).toEqual([]);
  });

  it('Node built-ins are refused in workflows', async () => {
    const errors = await importErrors('workflows/order/x.ts', "import fs from 'node:fs';\nexport const y = fs;\n");
    expect(errors).toHaveLength(1);
  });
});
