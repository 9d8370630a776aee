// The append-only audit log: who did what to which subject. A trigger rejects UPDATE and DELETE.
import type { DbTx } from '../client.ts';
import type { AuditLog, Prisma } from '../generated/prisma/client.ts';

export interface AppendAuditInput {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  classId?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Records one action; call it inside the transaction of the action it records. */
export function appendAudit(db: DbTx, input: AppendAuditInput): Promise<AuditLog> {
  return db.auditLog.create({
    data: {
      actorId: input.actorId,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      classId: input.classId ?? null,
      ...(input.data !== undefined ? { data: input.data } : {}),
    },
  });
}

export interface ListAuditLogInput {
  classId?: string;
  subjectType?: string;
  subjectId?: string;
  /** Entries strictly older than this (for paging back). */
  before?: Date;
  limit?: number;
}

/** Audit entries, newest first. */
export function listAuditLog(
  db: DbTx,
  { classId, subjectType, subjectId, before, limit = 100 }: ListAuditLogInput = {},
): Promise<AuditLog[]> {
  return db.auditLog.findMany({
    where: {
      ...(classId ? { classId } : {}),
      ...(subjectType ? { subjectType } : {}),
      ...(subjectId ? { subjectId } : {}),
      ...(before ? { createdAt: { lt: before } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(1, limit), 1000),
  });
}
