import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { CallerService } from './caller.service.js';
import { ClientManagementService } from './client-management.service.js';
import { AdminClientQuery, AdminClientUpdate, type ClientView } from './client.dto.js';
import { ClientPage, ClientResponse } from './clients.responses.js';

/** A new decorator per route: Swagger's security decorators must not share one instance. */
const auth = () => Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' });

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
  @ApiOperation({ summary: 'All clients, newest first; filter by q (name or client_id), owner_id, status' })
  @ApiOkResponse({ type: ClientPage })
  async list(@Caller() caller: Principal, @Query() q: AdminClientQuery): Promise<Page<ClientView>> {
    return this.manage.list(await this.callers.of(caller), q.limit ?? 20, q.cursor, true, { q: q.q, ownerId: q.owner_id, status: q.status });
  }

  @Patch(':clientId')
  @auth()
  @ApiOperation({
    summary: "Disable or enable anyone's client; allow it the whole user directory; mark it a resource server",
    description:
      "A disabled client gets no tokens, and the access tokens it already holds are refused at once, on every instance. `directory_access: true` lets the client's own tokens (client credentials, with users:read) list every user on GET /v1/users; otherwise they see only the owner's record (clients owned by an admin, or made by an operator with no owner, see everyone anyway). `resource_server: true` (confidential clients only; a public client is 400) lets the client introspect any access token issued for the API audience at POST /oauth2/introspect, so an API that is not Gatehouse can honour revocation before expiry; otherwise it introspects only its own tokens. Send any of the fields.",
  })
  @ApiOkResponse({ type: ClientResponse, description: 'The client after the change' })
  @ApiNotFoundResponse({ description: 'No such client' })
  async update(@Caller() caller: Principal, @Param('clientId') clientId: string, @Body() dto: AdminClientUpdate): Promise<ClientView> {
    const admin = await this.callers.of(caller);
    let view: ClientView | undefined;
    // First the one change that can be refused (a public client), so a refusal leaves nothing half done.
    if (dto.resource_server !== undefined) view = await this.manage.setResourceServer(admin, clientId, dto.resource_server);
    if (dto.status !== undefined) view = await this.manage.setStatus(admin, clientId, dto.status);
    if (dto.directory_access !== undefined) view = await this.manage.setDirectoryAccess(admin, clientId, dto.directory_access);
    if (!view) throw ProblemError.badRequest('Nothing to change: send status, directory_access and/or resource_server');
    return view;
  }

  @Delete(':clientId')
  @auth()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such client' })
  @ApiConflictResponse({
    description: "A first-party client (Gatehouse's own, e.g. the Swagger UI client): disable it instead; the operator's clients:delete still can",
  })
  @ApiOperation({ summary: "Delete anyone's client (not a first-party one)" })
  async remove(@Caller() caller: Principal, @Param('clientId') clientId: string): Promise<void> {
    await this.manage.remove(await this.callers.of(caller), clientId, true);
  }
}
