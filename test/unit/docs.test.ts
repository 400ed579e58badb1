import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envKeys } from '../../config/index.js';

const readme = readFileSync('README.md', 'utf8');
const envExample = readFileSync('.env.example', 'utf8');

describe('documentation stays true to the config module', () => {
  it.each(envKeys)('README configuration table and .env.example list %s', (key) => {
    expect(readme).toContain(`| \`${key}\` |`);
    expect(envExample).toMatch(new RegExp(`^${key}=`, 'm'));
  });

  it('the README names the two commands and CI runs the test command', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m);
  });
});
