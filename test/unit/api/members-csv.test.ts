import { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { formatJst, memberCsvHeader, writeMembersCsv } from '../../../api/ops/members-csv.js';
import type { Member } from '../../../db/members.js';

const extraFields = [{ key: 'birthday', label: '生年月日', required: true }];

function member(overrides: Partial<Member>): Member {
  return {
    memberId: 'M1',
    email: 'a@example.jp',
    name: '山田 太郎',
    postalCode: '1500041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '09012345678',
    passwordHash: null,
    newsletter: null,
    mobileMail: null,
    registeredAt: new Date('2026-11-30T02:00:00Z'),
    registeredVia: 'form',
    amazonBuyerId: null,
    amazonLinkedAt: null,
    extra: {},
    ...overrides,
  };
}

async function csvOf(members: Member[], encoding: 'utf-8' | 'shift_jis'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  async function* source() {
    yield* members;
  }
  await writeMembersCsv(source(), extraFields, encoding, sink);
  return Buffer.concat(chunks);
}

describe('member CSV export (L6)', () => {
  it('L6: carries the column 「AmazonID連携日時」, empty for a member who is not linked', async () => {
    const linkedAt = new Date('2026-11-30T03:04:05Z');
    const bytes = await csvOf(
      [
        member({ memberId: 'M1' }),
        member({
          memberId: 'M2',
          amazonBuyerId: 'amzn1.account.X',
          amazonLinkedAt: linkedAt,
          registeredAt: linkedAt,
          newsletter: false,
          extra: { birthday: '1990-01-02' },
        }),
      ],
      'utf-8',
    );
    // UTF-8 with a BOM, so Excel opens it as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    expect(header).toEqual(memberCsvHeader(extraFields));
    const column = header.indexOf('AmazonID連携日時');
    expect(column).toBeGreaterThan(0);
    expect(lines[1]?.split(',')[column]).toBe('');
    expect(lines[2]?.split(',')[column]).toBe('2026/11/30 12:04:05');
    // L7-shaped data: registration time equal to link time is exported as equal strings.
    expect(lines[2]?.split(',')[header.indexOf('登録日時')]).toBe('2026/11/30 12:04:05');
    // C8: unknown preference stays empty; a known "no" is written.
    expect(lines[1]?.split(',')[header.indexOf('メールマガジン')]).toBe('');
    expect(lines[2]?.split(',')[header.indexOf('メールマガジン')]).toBe('希望しない');
    expect(lines[2]?.split(',')[header.indexOf('生年月日')]).toBe('1990-01-02');
  });

  it('writes Shift_JIS on request (no BOM), decodable back to the same text', async () => {
    const bytes = await csvOf([member({ name: '高橋 花子' })], 'shift_jis');
    expect(bytes[0]).not.toBe(0xef);
    const text = iconv.decode(bytes, 'Shift_JIS');
    expect(text).toContain('AmazonID連携日時');
    expect(text).toContain('高橋 花子');
    expect(bytes.includes(Buffer.from('高橋', 'utf8'))).toBe(false);
  });

  it('quotes fields with commas and quotes', async () => {
    const text = (await csvOf([member({ address: '渋谷区1-2, "A"棟' })], 'utf-8')).toString('utf8');
    expect(text).toContain('"渋谷区1-2, ""A""棟"');
  });

  it('formats times in Japan time', () => {
    expect(formatJst(new Date('2026-12-31T15:00:00Z'))).toBe('2027/01/01 00:00:00');
    expect(formatJst(null)).toBe('');
  });
});
