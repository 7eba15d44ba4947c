import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage } from '../auth/auth.decorator.js';
import { ClientManagementService } from '../clients/client-management.service.js';
import { appsListPage } from './apps-list.views.js';
import { PortalPages } from './portal-pages.service.js';

/** GET /portal/apps: the list of the signed-in user's applications (the pages of one are in apps.controller.ts). */
@ApiExcludeController()
@Controller('portal/apps')
export class PortalAppsListController {
  constructor(
    private readonly pages: PortalPages,
    private readonly manage: ClientManagementService,
  ) {}

  @Get()
  @SignedInPage()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const apps = await this.manage.list(ctx.caller, 100, undefined);
    const body = appsListPage({ apps: apps.data, more: apps.next_cursor !== null, notice: typeof notice === 'string' ? notice : undefined });
    this.pages.send(reply, ctx, 200, 'Applications', body, { current: 'apps' });
  }
}
