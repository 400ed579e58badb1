/**
 * Member CSV exports (L6): streamed row by row from a database cursor through csv-stringify (and
 * iconv-lite for Shift_JIS), so memory stays flat whatever the member count.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import iconv from 'iconv-lite';
import { MEMBER_CSV_COLUMNS, PREFERENCE_NOT_WANTED, PREFERENCE_WANTED } from '../../domain/messages.js';
import type { ExtraFieldDefinition } from '../../domain/member.js';
import type { Member } from '../../db/members.js';

export type CsvEncoding = 'utf-8' | 'shift_jis';

const jstFormatter = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** "2026/11/30 11:46:19" in Japan time, the way shop admin screens show it; empty for null. */
export function formatJst(date: Date | null): string {
  return date === null ? '' : jstFormatter.format(date);
}

function preference(value: boolean | null): string {
  if (value === null) return '';
  return value ? PREFERENCE_WANTED : PREFERENCE_NOT_WANTED;
}

export function memberCsvHeader(extraFields: readonly ExtraFieldDefinition[]): string[] {
  // The row below writes the columns in this order.
  return [...Object.values(MEMBER_CSV_COLUMNS), ...extraFields.map((field) => field.label)];
}

function memberCsvRow(member: Member, extraFields: readonly ExtraFieldDefinition[]): string[] {
  return [
    member.memberId,
    member.email,
    member.name,
    member.postalCode ?? '',
    member.prefecture ?? '',
    member.address ?? '',
    member.phone ?? '',
    preference(member.newsletter),
    preference(member.mobileMail),
    formatJst(member.registeredAt),
    // L6: empty for members who are not linked.
    formatJst(member.amazonLinkedAt),
    ...extraFields.map((field) => member.extra[field.key] ?? ''),
  ];
}

/** Writes the CSV of `members` to `out`: UTF-8 with a BOM (Excel), or Shift_JIS on request. */
export async function writeMembersCsv(
  members: AsyncIterable<Member>,
  extraFields: readonly ExtraFieldDefinition[],
  encoding: CsvEncoding,
  out: Writable,
): Promise<void> {
  const rows = Readable.from(
    (async function* () {
      for await (const member of members) yield memberCsvRow(member, extraFields);
    })(),
  );
  const csv = stringify({
    header: true,
    columns: memberCsvHeader(extraFields),
    record_delimiter: 'windows',
    bom: encoding === 'utf-8',
  });
  // iconv-lite's encoder takes text, not the stringifier's UTF-8 bytes.
  if (encoding === 'shift_jis') await pipeline(rows, csv.setEncoding('utf8'), iconv.encodeStream('Shift_JIS'), out);
  else await pipeline(rows, csv, out);
}
