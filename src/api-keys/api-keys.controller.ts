import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../platform/http/pagination.js';
import { ApiKeysQuery, CreateApiKeyDto, RenameApiKeyDto, RotateApiKeyDto, type ApiKeyView, type CreatedApiKey, type RotatedApiKey } from './api-key.dto.js';
import { ApiKeyLifecycleService } from './api-key-lifecycle.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyPage, ApiKeyResponse, CreatedApiKeyResponse, RotatedApiKeyResponse } from './api-keys.responses.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly lifecycle: ApiKeyLifecycleService,
  ) {}

  @Get()
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({ summary: 'Your API keys, newest first (never the secret: `start` and `last4` tell them apart)' })
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Caller() p: Principal, @Query() q: ApiKeysQuery): Promise<Page<ApiKeyView>> {
    return this.keys.list(p, q);
  }

  @Post()
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({
    summary: 'Create an API key; the key is in this response only, never again',
    description: `With a token, every scope asked must be one the token holds itself (403 insufficient_scope names the rest); the portal session may give any scope the user may hold. The response says where the key came from: created_via, created_by, parent_grant_id.`,
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key, with the key itself (shown once)' })
  create(@Caller() p: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(p, dto);
  }

  @Get(':id')
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({ summary: 'One of your API keys, with last_used_at (updated every few seconds)' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiNotFoundResponse({ description: 'No such key of yours' })
  get(@Caller() p: Principal, @Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.get(p, id);
  }

  @Post(':id/rotate')
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({
    summary: 'Rotate: a new key with the same owner, scopes and expiry; the old one works until previous_key_expires_at',
    description: 'The caller must hold every scope of the key (403 insufficient_scope otherwise): rotation never hands out more than the caller holds.',
  })
  @ApiCreatedResponse({ type: RotatedApiKeyResponse, description: 'The new key (shown once), and until when the old one works' })
  rotate(@Caller() p: Principal, @Param('id') id: string, @Body() dto: RotateApiKeyDto): Promise<RotatedApiKey> {
    return this.keys.rotate(p, id, dto);
  }

  @Patch(':id')
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({ summary: 'Rename one of your API keys (the same name rules as creation); the key itself does not change' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiNotFoundResponse({ description: 'No such key of yours' })
  rename(@Caller() p: Principal, @Param('id') id: string, @Body() dto: RenameApiKeyDto): Promise<ApiKeyView> {
    return this.lifecycle.rename(p, id, dto);
  }

  @Post(':id/expire')
  @HttpCode(200)
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({ summary: "End a rotated key's grace period now: it stops working at once, on every instance (its replacement keeps working)" })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'The old key, now expired' })
  @ApiNotFoundResponse({ description: 'No such key of yours' })
  @ApiConflictResponse({ description: 'Not a rotated key that still works (not rotated: revoke it instead; already stopped)' })
  expire(@Caller() p: Principal, @Param('id') id: string): Promise<ApiKeyView> {
    return this.lifecycle.endGrace(p, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ schemes: ['bearer', 'session'], scopes: ['keys:manage'] })
  @ApiOperation({ summary: 'Revoke now, on every instance' })
  @ApiNoContentResponse({ description: 'Revoked' })
  revoke(@Caller() p: Principal, @Param('id') id: string): Promise<void> {
    return this.keys.revoke(p, id);
  }
}
