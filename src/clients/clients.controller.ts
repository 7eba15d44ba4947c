import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery, type Page } from '../platform/http/pagination.js';
import { CallerService } from './caller.service.js';
import { ClientManagementService } from './client-management.service.js';
import { CreateClientDto, RotateSecretDto, toClientView, UpdateClientDto, type ClientView } from './client.dto.js';
import { ClientPage, ClientResponse, CreatedClientResponse, RotatedSecretResponse } from './clients.responses.js';

/** A new decorator per route: Swagger's security decorators must not share one instance. */
const auth = () => Auth({ schemes: ['bearer', 'session'], scopes: ['clients:manage'] });

@ApiTags('Clients')
@Controller('v1/clients')
export class ClientsController {
  constructor(
    private readonly manage: ClientManagementService,
    private readonly callers: CallerService,
  ) {}

  @Get()
  @auth()
  @ApiOperation({ summary: 'Your OAuth clients, newest first' })
  @ApiOkResponse({ type: ClientPage })
  async list(@Caller() caller: Principal, @Query() q: PageQuery): Promise<Page<ClientView>> {
    return this.manage.list(await this.callers.of(caller), q.limit ?? 20, q.cursor);
  }

  @Post()
  @auth()
  @ApiOperation({
    summary: 'Register a client; a confidential client gets its client_secret here, once',
    description: `With a token, every scope asked must be one the token holds itself (403 insufficient_scope names the rest); the portal session may give any scope the user may hold.`,
  })
  @ApiCreatedResponse({ type: CreatedClientResponse, description: 'The client, with client_secret for confidential clients (shown once)' })
  async create(@Caller() caller: Principal, @Body() dto: CreateClientDto): Promise<ClientView & { client_secret?: string }> {
    return this.manage.create(await this.callers.of(caller), dto);
  }

  @Get(':clientId')
  @auth()
  @ApiOperation({ summary: 'One of your clients (no secret)' })
  @ApiOkResponse({ type: ClientResponse })
  async get(@Caller() caller: Principal, @Param('clientId') clientId: string): Promise<ClientView> {
    return toClientView(await this.manage.get(await this.callers.of(caller), clientId));
  }

  @Patch(':clientId')
  @auth()
  @ApiOperation({
    summary: 'Change name, grant types, scopes or redirect URIs',
    description: "With a token, the client's resulting scopes must all be ones the token holds (403 insufficient_scope otherwise).",
  })
  @ApiOkResponse({ type: ClientResponse, description: 'The client after the change' })
  async update(@Caller() caller: Principal, @Param('clientId') clientId: string, @Body() dto: UpdateClientDto): Promise<ClientView> {
    return this.manage.update(await this.callers.of(caller), clientId, dto);
  }

  @Delete(':clientId')
  @auth()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its secrets stop working at once' })
  @ApiOperation({ summary: 'Delete a client' })
  async remove(@Caller() caller: Principal, @Param('clientId') clientId: string): Promise<void> {
    await this.manage.remove(await this.callers.of(caller), clientId);
  }

  @Post(':clientId/secret/rotate')
  @auth()
  @ApiOperation({
    summary: 'New secret (shown once); the previous one works for grace_period_seconds (default 86400, 0 = stops now)',
    description: 'With a token, the token must hold every scope of the client (403 insufficient_scope otherwise).',
  })
  @ApiCreatedResponse({ type: RotatedSecretResponse, description: 'The new secret (shown once)' })
  async rotate(
    @Caller() caller: Principal,
    @Param('clientId') clientId: string,
    @Body() dto: RotateSecretDto,
  ): Promise<{ client_id: string; client_secret: string; previous_secret_expires_at: string }> {
    return this.manage.rotateSecret(await this.callers.of(caller), clientId, dto.grace_period_seconds);
  }
}
