/**
 * Verification of Amazon Pay v2 request signatures and button-payload signatures, as the official
 * SDK produces them (clientHelper.js): RSA-PSS with SHA-256 and MGF1-SHA-256, salt 20
 * (`AMZN-PAY-RSASSA-PSS`) or 32 (`AMZN-PAY-RSASSA-PSS-V2`), base64.
 */
import { createHash, createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import { ApiError } from './errors.js';

const ALGORITHMS = { 'AMZN-PAY-RSASSA-PSS': 20, 'AMZN-PAY-RSASSA-PSS-V2': 32 } as const;
export type Algorithm = keyof typeof ALGORITHMS;

/** How far `x-amz-pay-date` may be from the real wall clock. */
const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

export interface RegisteredKey {
  publicKeyId: string;
  key: KeyObject;
}

export class KeyStore {
  private readonly keys = new Map<string, RegisteredKey>();

  register(publicKeyId: string, publicKeyPem: string): void {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(publicKeyId)) throw new Error(`invalid public key id ${publicKeyId}`);
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('only RSA public keys are supported');
    this.keys.set(publicKeyId, { publicKeyId, key });
  }

  get(publicKeyId: string): RegisteredKey | undefined {
    return this.keys.get(publicKeyId);
  }
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function verifyPss(key: KeyObject, stringToSign: string, signatureB64: string, saltLength: number): boolean {
  const signature = Buffer.from(signatureB64, 'base64');
  if (signature.length === 0) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(stringToSign, 'utf8'),
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
      signature,
    );
  } catch {
    return false;
  }
}

/** Query string as the SDK signs it: keys sorted, `k=encodeURIComponent(v)`, joined by `&`. */
function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const params = new URLSearchParams(rawQuery);
  const keys = [...new Set(params.keys())].sort();
  return keys.map((k) => `${k}=${encodeURIComponent(params.get(k) ?? '')}`).join('&');
}

export interface IncomingSignedRequest {
  method: string;
  /** Path exactly as received, e.g. `/v2/charges/S01-...` (no query). */
  path: string;
  rawQuery: string;
  /** Header names lower-cased (as Node delivers them). */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface VerifiedRequest {
  publicKeyId: string;
  algorithm: Algorithm;
}

const unauthorized = (message: string) => new ApiError(401, 'InvalidRequestSignature', message);

function headerValue(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Parses `ALG PublicKeyId=..., SignedHeaders=a;b, Signature=...`. */
function parseAuthorization(header: string): {
  algorithm: Algorithm;
  publicKeyId: string;
  signedHeaders: string[];
  signature: string;
} {
  const match = /^(\S+) PublicKeyId=([^,\s]+), SignedHeaders=([^,\s]+), Signature=([A-Za-z0-9+/=]+)$/.exec(
    header.trim(),
  );
  if (match === null) throw unauthorized('The authorization header is malformed.');
  const [, algorithm = '', publicKeyId = '', signedHeaders = '', signature = ''] = match;
  if (!(algorithm in ALGORITHMS)) throw unauthorized(`Unsupported signature algorithm ${algorithm}.`);
  return { algorithm: algorithm as Algorithm, publicKeyId, signedHeaders: signedHeaders.split(';'), signature };
}

/** `2022-03-06T07:46:11Z` (what the SDK sends) or `20220306T074611Z`. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Verifies one API request. Throws 401 for a missing, malformed, stale, unsigned-header or wrong
 * signature and for an unknown key id. Freshness is checked against `wallNow` (the real clock):
 * the SDK stamps real time, while tests move the emulator clock by days.
 */
export function verifyRequest(req: IncomingSignedRequest, keys: KeyStore, wallNow: number): VerifiedRequest {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined || authorization === '')
    throw unauthorized('The request is not signed: the authorization header is missing.');
  const auth = parseAuthorization(authorization);
  const key = keys.get(auth.publicKeyId);
  if (key === undefined) throw new ApiError(401, 'InvalidAuthentication', `Unknown public key id ${auth.publicKeyId}.`);

  const signedLower = auth.signedHeaders.map((name) => name.toLowerCase());
  if (!signedLower.includes('x-amz-pay-date')) throw unauthorized('x-amz-pay-date must be signed.');
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith('x-amz-pay-') && !signedLower.includes(name))
      throw unauthorized(`Header ${name} is present but not signed.`);
  }
  const dateHeader = headerValue(req.headers, 'x-amz-pay-date') ?? '';
  const date = parseAmzDate(dateHeader);
  if (date === undefined) throw unauthorized(`x-amz-pay-date "${dateHeader}" is not a valid timestamp.`);
  if (Math.abs(wallNow - date) > MAX_DATE_SKEW_MS)
    throw unauthorized('The request signature is stale: x-amz-pay-date is more than 15 minutes from the current time.');

  let canonical = `${req.method}\n${req.path}\n${canonicalQuery(req.rawQuery)}\n`;
  for (const name of signedLower) {
    const value = headerValue(req.headers, name);
    if (value === undefined) throw unauthorized(`Signed header ${name} is missing from the request.`);
    canonical += `${name}:${value}\n`;
  }
  // SignedHeaders is hashed exactly as sent: the SDK keeps the caller's header-name case there.
  canonical += `\n${auth.signedHeaders.join(';')}\n${sha256Hex(req.body)}`;
  const stringToSign = `${auth.algorithm}\n${sha256Hex(canonical)}`;
  if (!verifyPss(key.key, stringToSign, auth.signature, ALGORITHMS[auth.algorithm])) {
    throw unauthorized(
      'The request signature does not match. Check your private key, the signed headers and the body.',
    );
  }
  return { publicKeyId: auth.publicKeyId, algorithm: auth.algorithm };
}

/**
 * Verifies a button signature (`generateButtonSignature`): `ALG\n` + hex SHA-256(payload).
 * The button does not say which algorithm signed it, so both are tried.
 */
export function verifyButtonSignature(payload: string, signature: string, key: KeyObject): Algorithm | undefined {
  for (const [algorithm, saltLength] of Object.entries(ALGORITHMS) as [Algorithm, number][]) {
    if (verifyPss(key, `${algorithm}\n${sha256Hex(payload)}`, signature, saltLength)) return algorithm;
  }
  return undefined;
}
