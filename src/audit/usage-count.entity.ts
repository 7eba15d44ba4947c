import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Hourly counts the overview shows that no other table keeps: `rate_limited` (429s answered),
 * `api_key_failed`, `client_auth_failed`, and `api_key_used` per key (`subject`: the key's id).
 * Instances add their counts to the same row (upsert), every minute and at shutdown.
 */
@Entity({ name: 'usage_counts' })
export class UsageCount {
  @PrimaryColumn({ type: 'timestamptz' })
  hour: Date;

  @PrimaryColumn({ type: 'text' })
  kind: string;

  @PrimaryColumn({ type: 'text', default: '' })
  subject: string;

  @Column({ type: 'bigint' })
  count: string;
}
