/** MongoDB's duplicate-key error: a unique index refused an insert (the guard of our idempotent writes). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
