import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ProblemError } from '../platform/http/problem.js';
import type { ActingUser } from './caller.service.js';
import { ClientManagementService } from './client-management.service.js';
import { ClientSecret } from './client-secret.entity.js';
import { ClientsService } from './clients.service.js';

/** A secret that works now, as the owner sees it: never the secret, its last four characters. */
export interface LiveSecretView {
  id: string;
  hint: string;
  created_at: string;
  /** null: the current secret (no end); otherwise the previous one, which stops then. */
  expires_at: string | null;
}

/**
 * An application's live secrets (issue 17): which work now and until when, and ending the previous
 * ones before their grace period is over. Owner-scoped through ClientManagementService.get (another
 * owner's client is 404); the change reaches every instance's client cache over the change bus.
 */
@Injectable()
export class ClientSecretsService {
  constructor(
    @InjectRepository(ClientSecret) private readonly secrets: Repository<ClientSecret>,
    private readonly manage: ClientManagementService,
    private readonly clients: ClientsService,
    private readonly audit: AuditService,
  ) {}

  /** The secrets that work now, the current one first, then the previous ones by their end. */
  async live(caller: ActingUser, clientId: string): Promise<LiveSecretView[]> {
    const client = await this.manage.get(caller, clientId);
    const rows = await this.secrets
      .createQueryBuilder('s')
      .where('s.client_pk = :pk AND (s.expires_at IS NULL OR s.expires_at > now())', { pk: client.id })
      .orderBy('s.expires_at', 'DESC', 'NULLS FIRST')
      .addOrderBy('s.created_at', 'DESC')
      .getMany();
    return rows.map((r) => ({ id: r.id, hint: r.hint, created_at: r.createdAt.toISOString(), expires_at: r.expiresAt?.toISOString() ?? null }));
  }

  /** Ends the previous secrets now (the current one keeps working); 409 when none is still in its grace period. */
  async endPrevious(caller: ActingUser, clientId: string): Promise<number> {
    const client = await this.manage.get(caller, clientId);
    const result = await this.secrets
      .createQueryBuilder()
      .update()
      .set({ expiresAt: () => 'now()' })
      .where('client_pk = :pk AND expires_at IS NOT NULL AND expires_at > now()', { pk: client.id })
      .execute();
    const ended = result.affected ?? 0;
    if (!ended) throw ProblemError.conflict('No previous secret of this application is still working: there is nothing to end');
    await this.clients.changed(client.clientId);
    void this.audit.record({ type: 'client.previous_secret_ended', actorUserId: caller.userId, target: client.clientId, ip: caller.ip, details: { ended } });
    return ended;
  }
}
