/**
 * The payload codec (docs/architecture.md, ops visibility): every payload Temporal stores — workflow and
 * activity arguments and results, update and query values, encoded failure messages — is sealed with
 * AES-256-GCM, so buyer personal data (name, e-mail, phone, address) never sits in a history in clear
 * text. The key id travels in the payload's metadata: the newest key encrypts, every configured key
 * decrypts, so keys rotate by adding one in front and retiring old ones once no history needs them.
 * Search attributes are not payloads of the codec (the server must index them): they hold no
 * personal data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
// A CommonJS package: Node's ESM loader sees no named exports in it (tsx, vitest and webpack would).
import proto from '@temporalio/proto';
import type { PayloadCodecKey } from '../config/index.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const { Payload: PayloadProto } = proto.temporal.api.common.v1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) =>
  bytes == null ? undefined : Buffer.from(bytes).toString('utf8');

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: PayloadCodecKey;
  private readonly byId: Map<string, Buffer>;

  constructor(keys: readonly PayloadCodecKey[]) {
    const [current] = keys;
    if (current === undefined) throw new Error('payload codec: at least one key is needed');
    this.current = current;
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.open(payload));
  }

  /** The whole payload (metadata and data) is encrypted, the key id bound in as associated data. */
  private seal(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(this.current.id));
    const plain = PayloadProto.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8(this.current.id),
        [CIPHER_METADATA]: utf8(CIPHER),
      },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.byId.get(keyId);
    if (key === undefined)
      throw new PayloadDecryptionError(
        `payload codec: unknown key id "${keyId}" (is PAYLOAD_CODEC_KEYS missing a retired key?)`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError('payload codec: encrypted payload too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return PayloadProto.decode(plain);
    } catch {
      throw new PayloadDecryptionError(`payload codec: payload sealed with key "${keyId}" does not authenticate`);
    }
  }
}
