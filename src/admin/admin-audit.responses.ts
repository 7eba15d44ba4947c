import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../platform/http/page.response.js';

/** One security event of the audit trail (never a secret). */
export class AuditEventResponse {
  @ApiProperty({ type: String, format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, example: 'client.secret_rotated', description: '`<area>.<event>`' })
  type: string;

  @ApiProperty({ enum: ['success', 'failure'], example: 'success' })
  outcome: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user who acted, if any' })
  actor_user_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'gth_4QmX2c9Zb1LkP0aR7tYw3e', description: 'The client that acted (a client_id), if any' })
  actor_client_id: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'What was acted on (an id, a client_id, an email...)' })
  target: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: "The request's address" })
  ip: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Event-specific details', example: { grace_period_seconds: 86400 } })
  details: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;
}

/** `GET /v1/admin/audit-events`. */
export const AuditEventPage = PageOf(AuditEventResponse);
