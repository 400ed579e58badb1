import { Schema, type Connection } from 'mongoose';

export interface Mismatch {
  orderId: string;
  object: string;
  field: string;
  readModel: unknown;
  amazon: unknown;
}

/** One reconciliation run: what was compared and every difference found. */
export interface ReconciliationReportDoc {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  ordersChecked: number;
  objectsChecked: number;
  mismatches: Mismatch[];
}

const reconciliationReportSchema = new Schema<ReconciliationReportDoc>(
  {
    runId: { type: String, required: true, unique: true },
    startedAt: { type: Date, required: true, index: true },
    finishedAt: { type: Date, required: true },
    ordersChecked: { type: Number, required: true },
    objectsChecked: { type: Number, required: true },
    mismatches: { type: Schema.Types.Mixed, default: () => [] },
  },
  { collection: 'reconciliation_reports', versionKey: false },
);

export function reconciliationReportModel(connection: Connection) {
  return connection.model<ReconciliationReportDoc>('ReconciliationReport', reconciliationReportSchema);
}
