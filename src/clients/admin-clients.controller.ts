import { Controller, Delete, Get, HttpCode, Param, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth } from '../auth/auth.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { CallerService } from './caller.service.js';
import { ClientManagementService } from './client-management.service.js';
import type { ClientView } from './client.dto.js';

/** A new decorator per route: Swagger's security decorators must not share one instance. */
const auth = () => Auth({ schemes: ['bearer'], scopes: ['admin'] });

/** Admins: every client of every owner. The `admin` scope and, at request time, the admin role. */
@ApiTags('Admin')
@Controller('v1/admin/clients')
export class AdminClientsController {
  constructor(
    private readonly manage: ClientManagementService,
    private readonly callers: CallerService,
  ) {}

  @Get()
  @auth()
  @ApiOperation({ summary: 'All clients, newest first' })
  async list(@Req() req: FastifyRequest, @Query() q: PageQuery): Promise<Page<ClientView>> {
    return this.manage.list(await this.callers.admin(req.principal), q.limit ?? 20, q.cursor, true);
  }

  @Delete(':clientId')
  @auth()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiOperation({ summary: "Delete anyone's client" })
  async remove(@Req() req: FastifyRequest, @Param('clientId') clientId: string): Promise<void> {
    await this.manage.remove(await this.callers.admin(req.principal), clientId, true);
  }
}
