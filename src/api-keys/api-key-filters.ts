import type { SelectQueryBuilder } from 'typeorm';
import type { ApiKey } from './api-key.entity.js';

/**
 * Which keys a list shows (issue 17): `current` (what works now: active and rotating), `active` (works,
 * not rotated), `rotating` (rotated, working until its grace period ends), `expired`, `revoked`, `all`.
 */
export const KEY_FILTERS = ['current', 'active', 'rotating', 'expired', 'revoked', 'all'] as const;
export type KeyFilter = (typeof KEY_FILTERS)[number];

export function isKeyFilter(value: unknown): value is KeyFilter {
  return typeof value === 'string' && (KEY_FILTERS as readonly string[]).includes(value);
}

/** Narrows a query over `api_keys` aliased `k` to one filter (fixed SQL, no parameters). */
export function applyKeyFilter(qb: SelectQueryBuilder<ApiKey>, filter: KeyFilter | undefined): void {
  const live = 'k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())';
  switch (filter) {
    case 'current':
      qb.andWhere(live);
      break;
    case 'active':
      qb.andWhere(`${live} AND k.rotated_at IS NULL`);
      break;
    case 'rotating':
      qb.andWhere(`${live} AND k.rotated_at IS NOT NULL`);
      break;
    case 'expired':
      qb.andWhere('k.revoked_at IS NULL AND k.expires_at <= now()');
      break;
    case 'revoked':
      qb.andWhere('k.revoked_at IS NOT NULL');
      break;
    case 'all':
    case undefined:
      break;
  }
}
