import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { AuditService, type AuditEventView } from '../audit/audit.service.js';
import { Auth } from '../auth/auth.decorator.js';
import { PageQuery, type Page } from '../platform/http/pagination.js';
import { AuditEventPage } from './admin-audit.responses.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'oauth.refresh_reuse_detected' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/)
  type?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actor_user_id?: string;

  @ApiPropertyOptional({ description: 'The client that acted (a client_id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor_client_id?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;
}

/** Admins read the audit trail: security events with actor, target, time, address, outcome; never a secret. */
@ApiTags('Admin')
@Controller('v1/admin/audit-events')
export class AdminAuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' })
  @ApiOperation({ summary: 'Audit events, newest first; filter by type, outcome, actor, time' })
  @ApiOkResponse({ type: AuditEventPage })
  async list(@Req() req: FastifyRequest, @Query() q: AuditQuery): Promise<Page<AuditEventView>> {
    return this.audit.list(
      { type: q.type, outcome: q.outcome, actorUserId: q.actor_user_id, actorClientId: q.actor_client_id, since: q.since, until: q.until },
      q.limit ?? 20,
      q.cursor,
    );
  }
}
