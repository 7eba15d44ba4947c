import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { Public } from '../auth/auth.decorator.js';
import { PageQuery, type Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { isUuid, UsersService, type UserView } from '../users/users.service.js';
import { DataPageQuery, type DataRecordView } from './data.dto.js';
import { DataService } from './data.service.js';
import { UserPage } from '../users/users.responses.js';
import { PingResponse } from './bench.responses.js';
import { DataRecordPage } from './data.responses.js';

class OpenDataQuery extends DataPageQuery {
  @IsOptional()
  @IsUUID()
  owner_id?: string;
}

/**
 * Benchmark baselines, registered ONLY when BENCH_ROUTES=true (refused in production): the same work
 * as GET /v1/data (and GET /v1/users) with no authentication, so bench/run.mjs and bench/api-keys.mjs
 * can measure what auth costs.
 * Unauthenticated by design, hence never on by default (and in the OpenAPI document only when on).
 */
@ApiTags('Benchmark (BENCH_ROUTES=true only; never in production)')
@Controller('v1')
export class BenchController {
  constructor(
    private readonly data: DataService,
    private readonly users: UsersService,
  ) {}

  @Get('ping')
  @Public()
  @ApiOperation({ summary: 'No auth, no database: the server floor' })
  @ApiOkResponse({ type: PingResponse })
  ping(): { ok: true } {
    return { ok: true };
  }

  @Get('data-open')
  @Public()
  @ApiOperation({ summary: 'GET /v1/data for ?owner_id=, with no authentication' })
  @ApiOkResponse({ type: DataRecordPage })
  open(@Query() q: OpenDataQuery): Promise<Page<DataRecordView>> {
    if (!q.owner_id || !isUuid(q.owner_id)) throw ProblemError.badRequest('owner_id (a user id) is required');
    return this.data.listFor(q.owner_id, q);
  }

  @Get('users-open')
  @Public()
  @ApiOperation({ summary: 'GET /v1/users, with no authentication' })
  @ApiOkResponse({ type: UserPage })
  usersOpen(@Query() q: PageQuery): Promise<Page<UserView>> {
    return this.users.list(q.limit ?? 20, q.cursor);
  }
}
