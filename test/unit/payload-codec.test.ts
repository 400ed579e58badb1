import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { failureConverter } from '../../worker/failure-converter.js';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../worker/payload-codec.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const buyer = {
  name: '山田 太郎',
  email: 'taro.yamada@example.jp',
  phone: '09012345678',
  address: '東京都渋谷区神南1-2-3',
};

describe('privacy: payload codec (AES-256-GCM, key id in the metadata, rotation)', () => {
  it('seals a payload: no personal data in clear text, the key id in the metadata; decoding restores it', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const plain = defaultPayloadConverter.toPayload(buyer);
    const [sealed] = await codec.encode([plain]);
    expect(text(sealed?.metadata?.['encoding'])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed?.metadata?.[KEY_ID_METADATA])).toBe('k1');
    const raw = Buffer.from(sealed?.data ?? new Uint8Array()).toString('latin1') + JSON.stringify(sealed?.metadata);
    for (const value of Object.values(buyer)) expect(raw).not.toContain(value);
    const [opened] = await codec.decode([sealed as Payload]);
    expect(defaultPayloadConverter.fromPayload(opened as Payload)).toEqual(buyer);
  });

  it('rotates: the first key encrypts, every configured key decrypts; a retired key no longer reads', async () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const [old] = await new AesGcmPayloadCodec([k1]).encode([defaultPayloadConverter.toPayload('古い')]);
    const rotated = new AesGcmPayloadCodec([k2, k1]);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('新しい')]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([old as Payload, fresh as Payload]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['古い', '新しい']);
    await expect(new AesGcmPayloadCodec([k2]).decode([old as Payload])).rejects.toThrow(PayloadDecryptionError);
  });

  it('refuses a tampered payload or one whose key id was swapped', async () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const codec = new AesGcmPayloadCodec([k1, k2]);
    const [sealed] = (await codec.encode([defaultPayloadConverter.toPayload(buyer)])) as [Payload];
    const flipped = Buffer.from(sealed.data as Uint8Array);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed, data: flipped }])).rejects.toThrow(/does not authenticate/);
    const swapped = { ...sealed, metadata: { ...sealed.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/does not authenticate/);
  });

  it('passes payloads it did not seal through unchanged (histories from before the codec)', async () => {
    const plain = defaultPayloadConverter.toPayload({ orderId: 'ORD-1' });
    expect(await new AesGcmPayloadCodec([key('k1')]).decode([plain])).toEqual([plain]);
  });

  it('failure messages and stack traces go into an encoded payload, which the codec seals', async () => {
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.nonRetryable(`${buyer.name} 様の住所 ${buyer.address} は使えません`, 'Order.AddressUnusable'),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(JSON.stringify(failure.stackTrace ?? '')).not.toContain(buyer.name);
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [sealed] = await codec.encode([failure.encodedAttributes as Payload]);
    expect(Buffer.from(sealed?.data ?? new Uint8Array()).toString('utf8')).not.toContain(buyer.name);
    const [opened] = await codec.decode([sealed as Payload]);
    expect(defaultPayloadConverter.fromPayload<{ message: string }>(opened as Payload).message).toContain(buyer.name);
  });
});

describe('config: PAYLOAD_CODEC_KEYS', () => {
  it('parses keyId:base64 pairs, first = current; refuses short keys, duplicate ids, and the dev key in production', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const config = loadConfig({ PAYLOAD_CODEC_KEYS: `k2:${a}, k1:${b}` });
    expect(config.codec.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(config.codec.keys[0]?.key.toString('base64')).toBe(a);
    expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `k1:${randomBytes(16).toString('base64')}` })).toThrow(
      /PAYLOAD_CODEC_KEYS/,
    );
    expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `k1:${a},k1:${b}` })).toThrow(/unique/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(32),
        ORDER_TOKEN_SECRET: 'y'.repeat(32),
        OPS_TOKENS: `a:operator:${'z'.repeat(20)}`,
      }),
    ).toThrow(/PAYLOAD_CODEC_KEYS must be set in production/);
  });

  it('allows the Temporal UI origins by default (CORS of the codec server)', () => {
    expect(loadConfig({}).codec.corsOrigins).toEqual(['http://127.0.0.1:8233', 'http://localhost:8233']);
    expect(loadConfig({ TEMPORAL_UI_PORT: '9000' }).codec.corsOrigins).toEqual([
      'http://127.0.0.1:9000',
      'http://localhost:9000',
    ]);
  });
});
