import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.tools/',
      '.data/',
      '.test-results/',
      'test-artifacts/',
      'reports/',
      'storefront/vendor/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'worker/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The demo storefront's browser modules (storefront/tsconfig.json gives them DOM types).
    files: ['storefront/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'navigator',
          'history',
          'localStorage',
          'sessionStorage',
          'crypto',
          'fetch',
          'URLSearchParams',
          'CustomEvent',
          'CSS',
          'Intl',
          'HTMLElement',
          'HTMLInputElement',
          'HTMLFormElement',
          'HTMLAnchorElement',
          'HTMLButtonElement',
          'Node',
          'Response',
          'setTimeout',
          'clearTimeout',
          'console',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and free of I/O (docs/architecture.md).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows are deterministic sandboxes: no Node built-ins.',
          })),
          patterns: [
            {
              // Any relative depth: `../activities/x` from workflows/, `../../activities/x` from workflows/order/.
              regex: '^(\\.\\./)+(activities|db|api|worker|mail)(/|$)',
              allowTypeImports: true,
              message:
                'Workflows import activity types only (import type); activities, db, api, worker and mail run outside the sandbox.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use workflow timers.' },
        { name: 'process', message: 'Workflows have no process.' },
      ],
    },
  },
);
