/**
 * Every buyer- and staff-facing text lives in `domain/messages.ts`, in Japanese (README): this test
 * reads the server's source and fails on any Japanese string literal anywhere else, with its file:line.
 *
 * Scanned: the folders whose code answers buyers and staff — api (storefront server code included),
 * activities, db, domain, workflows, worker. Not scanned: storefront/ (the browser pages and their
 * modules are a separate UI layer served as static files; they cannot import TypeScript, and what
 * they show is their own markup), emulator/ (it plays Amazon: its pages are Amazon's words, not the
 * shop's), config/ (defaults and examples an operator replaces), mail/ (the order e-mails: whole
 * Japanese mails as template functions, a presentation layer like the storefront's pages; the labels
 * a rule names, C8's, come from here), scripts/ and test/ (tools and data).
 * Comments and regular expressions are not string literals and are not looked at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED_FOLDERS = ['api', 'activities', 'db', 'domain', 'workflows', 'worker'];
const MESSAGES_FILE = 'domain/messages.ts';

/** Hiragana, katakana (full- and half-width) and kanji: text written for Japanese readers. */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

/** Japanese data, not messages: names and values the shop stores or shows as they are. */
const DATA_FILES: Record<string, string> = {
  'domain/prefectures.ts': 'the 47 prefecture names (JIS X 0401), values an address holds',
  'db/seed.ts': "the demo shop's catalogue and coupons (product data)",
};
const DATA_LITERALS: Record<string, readonly string[]> = {
  // C3: the noshi kinds are the values the form sends and the order stores (and print on the noshi).
  'domain/order-procedure.ts': ['御祝', '内祝', '御礼', '御中元', '御歳暮', '御年賀', '志', '無地'],
  // Example values of the API document (a name, an address, reasons ops might type).
  'api/openapi.ts': ['山田 太郎', '東京都', '渋谷区神南1-2-3', '在庫切れ', '一部返品'],
};

interface Literal {
  file: string;
  line: number;
  text: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Every string and template literal of a file, a template as its source text between the backticks. */
function literalsIn(file: string, code: string): Literal[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  const found: Literal[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = node.getText(source).slice(1, -1);
    if (text !== undefined) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ file, line, text });
      if (ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const literalsOf = (file: string) => literalsIn(file, readFileSync(path.join(ROOT, file), 'utf8'));

function allowed({ file, text }: Literal): boolean {
  return file === MESSAGES_FILE || file in DATA_FILES || (DATA_LITERALS[file] ?? []).includes(text);
}

describe('messages: every buyer- and staff-facing text is in domain/messages.ts', () => {
  const japanese = SCANNED_FOLDERS.flatMap(sourceFiles)
    .flatMap(literalsOf)
    .filter((literal) => JAPANESE.test(literal.text));

  it('no Japanese string literal outside domain/messages.ts (besides the listed data)', () => {
    const stray = japanese
      .filter((literal) => !allowed(literal))
      .map(({ file, line, text }) => `${file}:${line} ${text}`);
    expect(stray, 'move these texts to domain/messages.ts and import them').toEqual([]);
  });

  it('the data lists name only literals that still exist (stale entries are removed)', () => {
    const present = new Set(japanese.map(({ file, text }) => `${file} ${text}`));
    const listed = Object.entries(DATA_LITERALS).flatMap(([file, texts]) => texts.map((text) => `${file} ${text}`));
    expect(listed.filter((entry) => !present.has(entry))).toEqual([]);
    for (const file of Object.keys(DATA_FILES))
      expect(
        japanese.some((literal) => literal.file === file),
        file,
      ).toBe(true);
  });

  it('the scan finds what it looks for (a literal in a fixture, not a comment or a regular expression)', () => {
    const code = "// 日本語のコメント\nconst a = /ギフト/;\nconst b = 'ご注文';\nconst c = `合計${1}円`;\n";
    const found = literalsIn('x.ts', code).filter((literal) => JAPANESE.test(literal.text));
    expect(found).toEqual([
      { file: 'x.ts', line: 3, text: 'ご注文' },
      { file: 'x.ts', line: 4, text: '合計${1}円' },
    ]);
  });
});
