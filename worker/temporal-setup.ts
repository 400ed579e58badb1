/**
 * What a Temporal server needs before the first order: the namespace and the order search attributes
 * (workflows/search-attributes.ts). The dev server gets them from its command line; any other server
 * (self-hosted cluster, Temporal Cloud) from `npm run temporal:setup`, which calls `setUpTemporal`.
 * Idempotent: what exists is left alone, so it can run at every deploy.
 */
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import { orderSearchAttributes } from '../workflows/search-attributes.js';

/** The gRPC status codes this setup tells apart (grpc-js is the SDK's, not a dependency of ours). */
const status = { NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12 } as const;

/** temporal.api.enums.v1.IndexedValueType numbers (the proto enum; the SDK does not export its encoder). */
export const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  [SearchAttributeType.TEXT]: 1,
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.INT]: 3,
  [SearchAttributeType.DOUBLE]: 4,
  [SearchAttributeType.BOOL]: 5,
  [SearchAttributeType.DATETIME]: 6,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

/** How long a namespace this command registers keeps closed workflows (the server's own default is 1 day). */
const RETENTION = '30 days';

export interface SetupReport {
  /** `exists`, `registered`, or `not allowed` (Temporal Cloud: namespaces are made in its console). */
  namespace: 'exists' | 'registered' | 'not allowed';
  /** Search attributes added by this run, and those already there with the right type. */
  added: string[];
  present: string[];
}

class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError';
}

/** Registers the namespace (where the server allows it) and adds the order search attributes it lacks. */
export async function setUpTemporal(connection: Connection, namespace: string): Promise<SetupReport> {
  const namespaceResult = await ensureNamespace(connection, namespace);
  const { added, present } = await ensureSearchAttributes(connection, namespace);
  return { namespace: namespaceResult, added, present };
}

async function ensureNamespace(connection: Connection, namespace: string): Promise<SetupReport['namespace']> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return 'exists';
  } catch (error) {
    if (!isGrpcServiceError(error) || error.code !== status.NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(RETENTION),
    });
    return 'registered';
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === status.ALREADY_EXISTS) return 'exists';
    if (isGrpcServiceError(error) && (error.code === status.PERMISSION_DENIED || error.code === status.UNIMPLEMENTED))
      return 'not allowed';
    throw error;
  }
}

async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<{ added: string[]; present: string[] }> {
  // A namespace registered a moment ago reaches every frontend's cache within seconds: retry until then.
  const listed = await untilNamespaceKnown(() => connection.operatorService.listSearchAttributes({ namespace }));
  const existing = listed.customAttributes ?? {};
  const present: string[] = [];
  const missing: Record<string, number> = {};
  for (const key of orderSearchAttributes) {
    const wanted = INDEXED_VALUE_TYPE[key.type];
    const found = existing[key.name];
    if (found === undefined || found === null) missing[key.name] = wanted;
    else if (Number(found) !== wanted)
      throw new TemporalSetupError(
        `search attribute ${key.name} exists with another type (${String(found)}, expected ${key.type}): rename or remove it first`,
      );
    else present.push(key.name);
  }
  if (Object.keys(missing).length > 0) {
    try {
      await untilNamespaceKnown(() =>
        connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing }),
      );
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === status.PERMISSION_DENIED)
        throw new TemporalSetupError(
          `the server refused to add search attributes (${Object.keys(missing).join(', ')}): ` +
            'on Temporal Cloud add them in the namespace settings or with tcld, with the types in docs/architecture.md',
        );
      throw error;
    }
  }
  return { added: Object.keys(missing), present };
}

async function untilNamespaceKnown<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const unknownYet = isGrpcServiceError(error) && error.code === status.NOT_FOUND;
      if (!unknownYet || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
