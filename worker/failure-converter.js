// @ts-check
/**
 * The failure converter of every Temporal client and worker (and of the workflow bundle, which loads
 * it by path): failure messages and stack traces go into an encoded attributes payload, so the payload
 * codec encrypts them with everything else. Plain JavaScript because the SDK `require()`s it by path
 * (no TypeScript loader there); see worker/data-converter.ts.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
