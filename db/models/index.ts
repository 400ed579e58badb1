import type { Connection } from 'mongoose';
import { amazonLinkModel, memberModel, passwordResetTokenModel } from './member.js';
import { systemCheckModel } from './system-check.js';

/** Every model bound to one connection. */
export function createModels(connection: Connection) {
  return {
    SystemCheck: systemCheckModel(connection),
    Member: memberModel(connection),
    AmazonLink: amazonLinkModel(connection),
    PasswordResetToken: passwordResetTokenModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
