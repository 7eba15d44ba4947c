import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../platform/http/pagination.js';
import { AdminApiKeysQuery, type ApiKeyView } from './api-key.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyPage } from './api-keys.responses.js';

/** Everyone's keys, for administrators: the `admin` scope and an admin user. */
@ApiTags('Admin')
@Controller('v1/admin/api-keys')
export class AdminApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' })
  @ApiOperation({ summary: 'All API keys, newest first; ?owner_id= for one user' })
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Caller() p: Principal, @Query() q: AdminApiKeysQuery): Promise<Page<ApiKeyView>> {
    return this.keys.adminList(p, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' })
  @ApiOperation({ summary: "Revoke anyone's API key now" })
  @ApiNoContentResponse({ description: 'Revoked' })
  revoke(@Caller() p: Principal, @Param('id') id: string): Promise<void> {
    return this.keys.adminRevoke(p, id);
  }
}
