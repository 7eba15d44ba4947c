import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorator.js';
import { DB_RETRY_AFTER_SECONDS } from '../platform/database/db-errors.js';
import { LivenessResponse, ReadinessResponse } from './health.responses.js';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('live')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessResponse, description: 'Alive' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: the database answers within 2 s (503 otherwise)' })
  @ApiOkResponse({ type: ReadinessResponse, description: 'Ready: the database answered' })
  @ApiServiceUnavailableResponse({ type: ReadinessResponse, description: 'The database did not answer within 2 s (Retry-After)' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; database: string }> {
    const ok = await Promise.race([
      this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    if (!ok) reply.status(503).header('Retry-After', String(DB_RETRY_AFTER_SECONDS)).header('Cache-Control', 'no-store');
    return { status: ok ? 'ready' : 'unavailable', database: ok ? 'up' : 'down' };
  }
}
