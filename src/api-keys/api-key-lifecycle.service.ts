import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { CallerService } from '../clients/caller.service.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { ProblemError } from '../platform/http/problem.js';
import { isUuid } from '../users/users.service.js';
import { API_KEYS_CHANNEL } from './api-key-verifier.service.js';
import { displayStart } from './api-key-format.js';
import { ApiKey } from './api-key.entity.js';
import type { ApiKeyView, RenameApiKeyDto } from './api-key.dto.js';
import { ApiKeysService } from './api-keys.service.js';

/** The key that replaced a rotated one, as lists show it. */
export interface Successor {
  id: string;
  name: string;
  start: string;
  last4: string;
}

/**
 * What happens to a key after it is made (issue 17): rename, end a rotated key's grace period now,
 * and find which key replaced which. Scoped by the owner like ApiKeysService: another owner's key is 404.
 */
@Injectable()
export class ApiKeyLifecycleService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly service: ApiKeysService,
    private readonly callers: CallerService,
    private readonly bus: ChangeBus,
    private readonly audit: AuditService,
  ) {}

  /** Renames one of the caller's keys (any status: a revoked key may still be told apart); the key itself does not change. */
  async rename(principal: Principal, id: string, dto: RenameApiKeyDto): Promise<ApiKeyView> {
    const ownerId = (await this.callers.of(principal)).userId;
    const before = await this.service.get(principal, id); // 404 for another owner's key
    const name = dto.name.trim() || dto.name;
    await this.keys.update({ id: before.id, ownerId }, { name });
    void this.audit.record({
      type: 'api_key.renamed',
      actorUserId: ownerId,
      actorClientId: principal.clientId ?? null,
      ip: principal.ip,
      target: before.id,
      details: { from: before.name, to: name },
    });
    return this.service.get(principal, id);
  }

  /**
   * Ends a rotated key's grace period now: it stops working at once on every instance, as if rotated
   * with a grace period of 0. Only a rotated key that still works: anything else is a 409.
   */
  async endGrace(principal: Principal, id: string): Promise<ApiKeyView> {
    const ownerId = (await this.callers.of(principal)).userId;
    const key = await this.service.get(principal, id); // 404 for another owner's key
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ expiresAt: () => 'now()' })
      .where('id = :id AND owner_id = :ownerId AND rotated_at IS NOT NULL AND revoked_at IS NULL AND expires_at > now()', { id: key.id, ownerId })
      .execute();
    if (!result.affected) {
      if (!key.rotated_at) throw ProblemError.conflict('This API key was not rotated: revoke it to stop it now');
      throw ProblemError.conflict('This API key has already stopped working');
    }
    await this.bus.publish(API_KEYS_CHANNEL, key.id);
    void this.audit.record({
      type: 'api_key.grace_ended',
      actorUserId: ownerId,
      actorClientId: principal.clientId ?? null,
      ip: principal.ip,
      target: key.id,
      details: { grace_was_until: key.expires_at },
    });
    return this.service.get(principal, id);
  }

  /** For each of these (rotated) keys of the owner, the key that replaced it. */
  async successors(ownerId: string, ids: readonly string[]): Promise<Map<string, Successor>> {
    const wanted = ids.filter(isUuid);
    const out = new Map<string, Successor>();
    if (!wanted.length) return out;
    const rows = await this.keys.find({ where: { ownerId, rotatedFrom: In(wanted) } });
    for (const r of rows) {
      if (r.rotatedFrom) out.set(r.rotatedFrom, { id: r.id, name: r.name, start: displayStart(r.environment, r.lookupId), last4: r.last4 });
    }
    return out;
  }
}
