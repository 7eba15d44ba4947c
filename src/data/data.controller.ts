import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../platform/http/pagination.js';
import { CreateDataDto, DataPageQuery, type DataRecordView } from './data.dto.js';
import { DataService } from './data.service.js';
import { DataRecordPage, DataRecordResponse } from './data.responses.js';

const KEY_NOTE =
  'Send the API key in the `X-API-Key` header. The `api_key` query parameter still works but is deprecated: its responses carry ' +
  '`Deprecation` and `Link: <...>; rel="deprecation"` headers, and URLs end up in browser histories and proxy logs. ' +
  'Requests with a key are limited per key (RATE_LIMIT_API_KEY_PER_MINUTE): `RateLimit` and `RateLimit-Policy` headers say what is left; ' +
  'past the limit, 429 with `Retry-After`.';

@ApiTags('Data')
@Controller('v1/data')
export class DataController {
  constructor(private readonly data: DataService) {}

  @Get()
  @Auth({ schemes: ['apiKey', 'bearer'], scopes: ['data:read'], rateLimit: 'api-key' })
  @ApiOperation({ summary: 'Your records, newest first', description: KEY_NOTE })
  @ApiOkResponse({ type: DataRecordPage })
  list(@Caller() caller: Principal, @Query() q: DataPageQuery): Promise<Page<DataRecordView>> {
    return this.data.list(caller, q);
  }

  @Get(':id')
  @Auth({ schemes: ['apiKey', 'bearer'], scopes: ['data:read'], rateLimit: 'api-key' })
  @ApiOperation({ summary: 'One of your records', description: KEY_NOTE })
  @ApiOkResponse({ type: DataRecordResponse })
  @ApiNotFoundResponse({ description: 'No such record of yours' })
  get(@Caller() p: Principal, @Param('id') id: string): Promise<DataRecordView> {
    return this.data.get(p, id);
  }

  @Post()
  @Auth({ schemes: ['apiKey', 'bearer'], scopes: ['data:write'], rateLimit: 'api-key' })
  @ApiOperation({ summary: 'Store a JSON record', description: KEY_NOTE })
  @ApiCreatedResponse({ type: DataRecordResponse, description: 'The record stored' })
  create(@Caller() p: Principal, @Body() dto: CreateDataDto): Promise<DataRecordView> {
    return this.data.create(p, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ schemes: ['apiKey', 'bearer'], scopes: ['data:write'], rateLimit: 'api-key' })
  @ApiOperation({ summary: 'Delete one of your records', description: KEY_NOTE })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@Caller() p: Principal, @Param('id') id: string): Promise<void> {
    return this.data.remove(p, id);
  }
}
