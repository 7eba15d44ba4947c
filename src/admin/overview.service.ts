import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { UsageAggregates } from '../audit/usage-aggregates.service.js';

/** The series of the overview, each counted per hour (24 h) or per day (30 days). */
export const SERIES = [
  ['tokens_client_credentials', 'Tokens issued: client credentials'],
  ['tokens_authorization_code', 'Tokens issued: authorization code'],
  ['tokens_refresh_token', 'Tokens issued: refresh token'],
  ['sign_ins', 'Sign-ins'],
  ['sign_ins_failed', 'Failed sign-ins'],
  ['client_auth_failed', 'Failed client authentications'],
  ['api_key_failed', 'Failed API-key authentications'],
  ['rate_limited', 'Requests refused with 429'],
] as const;
export type SeriesName = (typeof SERIES)[number][0];

export type Window = '24h' | '30d';

export interface Overview {
  window: Window;
  /** The start of each bucket (hours or days, UTC), oldest first. */
  buckets: Date[];
  series: Record<SeriesName, number[]>;
  totals: Record<Window, Record<SeriesName, number>>;
  busiestClients: { clientId: string; name: string | null; tokens: number }[];
  busiestKeys: { id: string; name: string | null; ownerEmail: string | null; uses: number }[];
  unusedClients: { clientId: string; name: string; lastUsed: Date | null; created: Date }[];
  unusedKeys: { id: string; name: string; ownerEmail: string; lastUsed: Date | null; created: Date }[];
}

const AUDIT_SERIES = `CASE WHEN type = 'oauth.token_issued' THEN 'tokens_' || (details->>'grant_type')
  WHEN type = 'auth.sign_in' THEN 'sign_ins' WHEN type = 'auth.sign_in_failed' THEN 'sign_ins_failed' END`;

/**
 * The admin overview's numbers, read from what Gatehouse keeps: the audit trail (tokens issued by
 * grant, sign-ins, failed sign-ins, tokens per client), `usage_counts` (429s, failed client and
 * API-key authentications, uses per key), and the clients and keys themselves (unused for 90 days).
 */
@Injectable()
export class OverviewService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly aggregates: UsageAggregates,
    private readonly audit: AuditService,
  ) {}

  async overview(window: Window, now = new Date()): Promise<Overview> {
    const unit = window === '24h' ? 'hour' : 'day';
    const n = window === '24h' ? 24 : 30;
    const last = truncate(now, unit);
    const buckets = Array.from({ length: n }, (_, i) => new Date(last.getTime() - (n - 1 - i) * (unit === 'hour' ? 3_600_000 : 86_400_000)));
    const counts = await this.counts(unit, buckets[0]);
    const series = Object.fromEntries(SERIES.map(([s]) => [s, buckets.map(() => 0)])) as Record<SeriesName, number[]>;
    const index = new Map(buckets.map((b, i) => [b.getTime(), i]));
    for (const r of counts) {
      const i = index.get(new Date(r.bucket).getTime());
      if (i !== undefined && r.series in series) series[r.series as SeriesName][i] += Number(r.count);
    }
    const totals = { '24h': await this.totals(new Date(now.getTime() - 86_400_000)), '30d': await this.totals(new Date(now.getTime() - 30 * 86_400_000)) };
    return { window, buckets, series, totals, ...(await this.busiest()), ...(await this.unused()) };
  }

  /** Writes this instance's counters now (the page shows them at once; tests call it instead of waiting a minute). */
  async flush(): Promise<void> {
    await Promise.all([this.aggregates.flush(), this.audit.flush()]);
  }

  private counts(unit: 'hour' | 'day', since: Date): Promise<{ bucket: Date; series: string; count: string }[]> {
    return this.ds.query(
      `SELECT date_trunc('${unit}', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, ${AUDIT_SERIES} AS series, count(*) AS count
         FROM audit_events WHERE created_at >= $1 AND type IN ('oauth.token_issued', 'auth.sign_in', 'auth.sign_in_failed') GROUP BY 1, 2
       UNION ALL
       SELECT date_trunc('${unit}', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, sum(count)
         FROM usage_counts WHERE hour >= $1 AND kind IN ('rate_limited', 'client_auth_failed', 'api_key_failed') GROUP BY 1, 2`,
      [since],
    );
  }

  /** Totals since `since` (exact for the audit events, by the hour for the counters). */
  private async totals(since: Date): Promise<Record<SeriesName, number>> {
    const rows = await this.ds.query<{ series: string; count: string }[]>(
      `SELECT ${AUDIT_SERIES} AS series, count(*) AS count FROM audit_events
        WHERE created_at >= $1 AND type IN ('oauth.token_issued', 'auth.sign_in', 'auth.sign_in_failed') GROUP BY 1
       UNION ALL
       SELECT kind, sum(count) FROM usage_counts WHERE hour >= date_trunc('hour', $1::timestamptz) AND kind IN ('rate_limited', 'client_auth_failed', 'api_key_failed') GROUP BY 1`,
      [since],
    );
    const out = Object.fromEntries(SERIES.map(([s]) => [s, 0])) as Record<SeriesName, number>;
    for (const r of rows) if (r.series in out) out[r.series as SeriesName] += Number(r.count);
    return out;
  }

  /** The five clients that got the most tokens, and the five keys used most, in the last 30 days. */
  private async busiest(): Promise<Pick<Overview, 'busiestClients' | 'busiestKeys'>> {
    const clients = await this.ds.query<{ client_id: string; name: string | null; tokens: string }[]>(
      `SELECT e.actor_client_id AS client_id, c.name, count(*) AS tokens FROM audit_events e LEFT JOIN clients c ON c.client_id = e.actor_client_id
        WHERE e.type = 'oauth.token_issued' AND e.created_at >= now() - interval '30 days' AND e.actor_client_id IS NOT NULL
        GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 5`,
    );
    const keys = await this.ds.query<{ id: string; name: string | null; email: string | null; uses: string }[]>(
      `SELECT u.subject AS id, k.name, o.email, sum(u.count) AS uses FROM usage_counts u
         LEFT JOIN api_keys k ON k.id::text = u.subject LEFT JOIN users o ON o.id = k.owner_id
        WHERE u.kind = 'api_key_used' AND u.hour >= now() - interval '30 days' GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1 LIMIT 5`,
    );
    return {
      busiestClients: clients.map((r) => ({ clientId: r.client_id, name: r.name, tokens: Number(r.tokens) })),
      busiestKeys: keys.map((r) => ({ id: r.id, name: r.name, ownerEmail: r.email, uses: Number(r.uses) })),
    };
  }

  /** Active credentials older than 90 days with no use in 90 days (clients: no token issued; keys: last_used_at), oldest use first. */
  private async unused(): Promise<Pick<Overview, 'unusedClients' | 'unusedKeys'>> {
    const clients = await this.ds.query<{ client_id: string; name: string; last_used: Date | null; created_at: Date }[]>(
      `SELECT c.client_id, c.name, c.created_at,
              (SELECT max(e.created_at) FROM audit_events e WHERE e.type = 'oauth.token_issued' AND e.actor_client_id = c.client_id) AS last_used
         FROM clients c WHERE c.status = 'active' AND c.created_at < now() - interval '90 days'
          AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.type = 'oauth.token_issued' AND e.actor_client_id = c.client_id AND e.created_at >= now() - interval '90 days')
        ORDER BY last_used NULLS FIRST, c.created_at LIMIT 20`,
    );
    const keys = await this.ds.query<{ id: string; name: string; email: string; last_used_at: Date | null; created_at: Date }[]>(
      `SELECT k.id, k.name, o.email, k.last_used_at, k.created_at FROM api_keys k JOIN users o ON o.id = k.owner_id
        WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
          AND COALESCE(k.last_used_at, k.created_at) < now() - interval '90 days'
        ORDER BY k.last_used_at NULLS FIRST, k.created_at LIMIT 20`,
    );
    return {
      unusedClients: clients.map((r) => ({
        clientId: r.client_id,
        name: r.name,
        lastUsed: r.last_used && new Date(r.last_used),
        created: new Date(r.created_at),
      })),
      unusedKeys: keys.map((r) => ({
        id: r.id,
        name: r.name,
        ownerEmail: r.email,
        lastUsed: r.last_used_at && new Date(r.last_used_at),
        created: new Date(r.created_at),
      })),
    };
  }
}

function truncate(d: Date, unit: 'hour' | 'day'): Date {
  const t = new Date(d);
  t.setUTCMinutes(0, 0, 0);
  if (unit === 'day') t.setUTCHours(0);
  return t;
}
