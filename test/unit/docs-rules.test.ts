/**
 * Keeps docs/rules.md true to the code and the tests: every rule id a test name carries is
 * documented there; every link resolves; under each rule, the linked test files are exactly the
 * files with a test named after that rule.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DOC = 'docs/rules.md';
const doc = readFileSync(DOC, 'utf8');

/** A rule id as tests write it: a family letter and a number (C7, A2, L1 …), or B (buyer environments). */
const RULE_ID = /\b(?:[LCRPAMG][0-9]+|B)\b/g;

/**
 * The names of a test file's `describe`/`it`/`test` blocks (including `.each`, `.skipIf(…)` and
 * the like), as written: a quoted string or template literal right after the call.
 */
function testNames(source: string): string[] {
  const call = /\b(?:describe|it|test)(?:\.\w+(?:\([^)]*\))?)*\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g;
  return [...source.matchAll(call)].map((match) => match[2] as string);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Rule id → the test files (repository paths) with a test named after it. */
const testedIn = new Map<string, Set<string>>();
for (const file of testFiles('test')) {
  for (const name of testNames(readFileSync(file, 'utf8')))
    for (const [id] of name.matchAll(RULE_ID)) {
      const files = testedIn.get(id) ?? new Set<string>();
      files.add(file.split(path.sep).join('/'));
      testedIn.set(id, files);
    }
}

/** Rule id → the text of its entry in the document (from `- **ID**` to the next entry or heading). */
const entries = new Map<string, string>();
for (const match of doc.matchAll(/^- \*\*([A-Z][0-9]*)\*\*([\s\S]*?)(?=^- \*\*|^#|(?![\s\S]))/gm))
  entries.set(match[1] as string, match[2] as string);

/** Relative markdown links `[text](target)` of a piece of the document, as repository paths. */
function links(text: string): string[] {
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => path.posix.normalize(path.posix.join(path.posix.dirname(DOC), target)));
}

describe('docs/rules.md, the rules by id', () => {
  it('names every rule id that a test name carries', () => {
    expect(testedIn.size).toBeGreaterThan(20);
    const missing = [...testedIn.keys()].filter((id) => !entries.has(id));
    expect(missing, `add these ids to ${DOC}`).toEqual([]);
  });

  it('links only to files that exist', () => {
    const broken = links(doc).filter((target) => !existsSync(target));
    expect(broken).toEqual([]);
  });

  // G1 is documentation only: a setting of the shop's analytics, nothing to implement or test.
  it.each([...entries.keys()].filter((id) => id !== 'G1'))(
    '%s: links to its implementation and exactly the test files whose test names carry it',
    (id) => {
      const targets = links(entries.get(id) as string);
      const code = targets.filter((target) => !target.startsWith('test/'));
      expect(code.length, `${id} has no implementation link`).toBeGreaterThan(0);
      const linkedTests = [...new Set(targets.filter((target) => target.startsWith('test/')))].sort();
      expect(linkedTests).toEqual([...(testedIn.get(id) ?? [])].sort());
    },
  );
});
