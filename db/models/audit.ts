import { Schema, type Connection } from 'mongoose';

/** One ops request: who, what, when, and for changes the state before and after. */
export interface AuditDoc {
  at: Date;
  actor: string;
  role: string;
  action: string;
  method: string;
  path: string;
  status: number;
  target: string | null;
  before: unknown;
  after: unknown;
  /** How the actor proved who they are: a bearer token (machines) or a staff sign-in (people). */
  via?: 'token' | 'staff';
}

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true, index: true },
    actor: { type: String, required: true, index: true },
    role: { type: String, required: true },
    action: { type: String, required: true },
    method: { type: String, required: true },
    path: { type: String, required: true },
    status: { type: Number, required: true },
    target: { type: String, default: null, index: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    via: { type: String, enum: ['token', 'staff'] },
  },
  { collection: 'ops_audit', versionKey: false, minimize: false },
);

export function auditModel(connection: Connection) {
  return connection.model<AuditDoc>('Audit', auditSchema);
}
