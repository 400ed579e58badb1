import type { DefaultFailureConverter } from '@temporalio/common';

/** See failure-converter.js: messages and stack traces in encoded (then encrypted) attributes. */
export declare const failureConverter: DefaultFailureConverter;
