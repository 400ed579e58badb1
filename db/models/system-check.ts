import { Schema, type Connection } from 'mongoose';

/**
 * A record that a workflow ran an activity that wrote to the database: the dev stack's
 * start-up self-check and the harness tests use it to prove worker → activity → database.
 */
export interface SystemCheckDoc {
  checkId: string;
  workflowId: string;
  attempts: number;
  recordedAt: Date;
}

const systemCheckSchema = new Schema<SystemCheckDoc>(
  {
    checkId: { type: String, required: true, unique: true },
    workflowId: { type: String, required: true },
    attempts: { type: Number, required: true, min: 1 },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'system_checks', versionKey: false },
);

export function systemCheckModel(connection: Connection) {
  return connection.model<SystemCheckDoc>('SystemCheck', systemCheckSchema);
}
