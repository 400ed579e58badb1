/**
 * The data converter of every Temporal client and worker in this codebase: the AES-256-GCM payload
 * codec and a failure converter that moves failure messages and stack traces into encrypted payloads.
 * A client or worker without it would write personal data in clear text, or fail to read histories.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { AppConfig } from '../config/index.js';
import { AesGcmPayloadCodec } from './payload-codec.js';

/** Loaded by path (workers bundle it into the workflow sandbox). */
const failureConverterPath = fileURLToPath(new URL('./failure-converter.js', import.meta.url));

export function createPayloadCodec(config: Pick<AppConfig, 'codec'>): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(config.codec.keys);
}

export function createDataConverter(config: Pick<AppConfig, 'codec'>): DataConverter {
  return { payloadCodecs: [createPayloadCodec(config)], failureConverterPath };
}
