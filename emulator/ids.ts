import { randomInt, randomUUID } from 'node:crypto';

const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

export const newCheckoutSessionId = (): string => randomUUID();

/** `C01-1234567-1234567` */
export const newChargePermissionId = (): string => `C01-${digits(7)}-${digits(7)}`;

/** `S01-1234567-1234567-C012345`: the permission's digits plus a per-permission sequence. */
export function newChargeId(chargePermissionId: string, sequence: number): string {
  return `S01-${chargePermissionId.slice(4)}-C${String(sequence).padStart(6, '0')}`;
}

/** `S01-1234567-1234567-R012345` */
export function newRefundId(chargePermissionId: string, sequence: number): string {
  return `S01-${chargePermissionId.slice(4)}-R${String(sequence).padStart(6, '0')}`;
}
