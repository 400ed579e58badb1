/**
 * Documents that expire by a date field (sessions, rate-limit windows): a TTL index where the server
 * has them (MongoDB, Atlas: the server deletes them itself, on every API replica's behalf), else a
 * sweep every `everyMs` (FerretDB v1.24 refuses the index: "expireAfterSeconds is not implemented yet").
 * Sweep failures wait for the next round. `mode` tells which, once the database has answered.
 */
import type { Database } from './connection.js';

export interface Expiry {
  mode: Promise<'ttl-index' | 'sweep'>;
  stop: () => void;
}

export function expireDocuments(
  database: Pick<Database, 'connection' | 'ready'>,
  collectionName: string,
  field: string,
  everyMs: number,
): Expiry {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const collection = () => database.connection.db?.collection(collectionName);
  const mode = database.ready().then(async () => {
    try {
      await collection()?.createIndex({ [field]: 1 }, { expireAfterSeconds: 0, name: `${field}_ttl` });
      return 'ttl-index' as const;
    } catch {
      if (!stopped)
        timer = setInterval(() => {
          collection()
            ?.deleteMany({ [field]: { $lt: new Date() } })
            .catch(() => undefined);
        }, everyMs).unref();
      return 'sweep' as const;
    }
  });
  mode.catch(() => undefined);
  return {
    mode,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
