import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, inject } from 'vitest';
import { orderSearchAttributes } from '../../workflows/search-attributes.js';

const run = promisify(execFile);

describe('the dev server registers the order search attributes', () => {
  it.skipIf(inject('temporalCliPath') === undefined)(
    '`temporal operator search-attribute list` shows every custom attribute with its type',
    async () => {
      const { stdout } = await run(inject('temporalCliPath') as string, [
        'operator',
        'search-attribute',
        'list',
        '--address',
        inject('temporalAddress'),
        '--namespace',
        inject('temporalNamespace'),
        '--output',
        'json',
      ]);
      const listed = JSON.parse(stdout) as { customAttributes?: Record<string, string> } | Record<string, string>;
      const text = JSON.stringify(listed);
      for (const key of orderSearchAttributes) {
        expect(text, key.name).toContain(key.name);
      }
      expect(text).toMatch(/"OrderTotal":"(INDEXED_VALUE_TYPE_)?INT"/i);
      expect(text).toMatch(/"IsGuest":"(INDEXED_VALUE_TYPE_)?BOOL"/i);
    },
  );
});
