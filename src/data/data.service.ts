import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { decodeCursor, toPage, type Page, type PageQuery } from '../platform/http/pagination.js';
import { ProblemCode, ProblemError } from '../platform/http/problem.js';
import { CallerService } from '../clients/caller.service.js';
import { HotQuery } from '../platform/database/hot-query.js';
import { isUuid } from '../users/users.service.js';
import { DataRecord } from './data-record.entity.js';
import { MAX_RECORD_BYTES, type CreateDataDto, type DataRecordView } from './data.dto.js';

const LIST_FIRST = 'SELECT id, body, created_at AS "createdAt" FROM data_records WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2';
const LIST_AFTER =
  'SELECT id, body, created_at AS "createdAt" FROM data_records WHERE owner_id = $1 AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $2';

/**
 * JSON records of their owners. The owner is the API key's owner, the token's user, or the owner
 * of a client-credentials token's client; every query is scoped by it (another owner's record: 404).
 */
@Injectable()
export class DataService {
  private hot: HotQuery | undefined;

  constructor(
    @InjectRepository(DataRecord) private readonly records: Repository<DataRecord>,
    private readonly callers: CallerService,
  ) {}

  list(principal: Principal, q: PageQuery): Promise<Page<DataRecordView>> {
    // An API key's owner is known already: straight to the query, no extra promise on the hot path.
    if (principal.kind === 'api_key' && principal.userId !== undefined) return this.listFor(principal.userId, q);
    return this.ownerOf(principal).then((owner) => this.listFor(owner, q));
  }

  /**
   * An API key's owner was checked (active) when the key was verified, and is cached with it: no
   * query here, the hot path stays at one query. A token's user (or client's owner) is checked now.
   */
  private async ownerOf(principal: Principal): Promise<string> {
    if (principal.kind === 'api_key' && principal.userId !== undefined) return principal.userId;
    return (await this.callers.of(principal)).userId;
  }

  /** Newest first, keyset-paginated on (created_at, id); served by the (owner_id, created_at, id) index. */
  async listFor(ownerId: string, q: PageQuery): Promise<Page<DataRecordView>> {
    const limit = q.limit ?? 20;
    const after = decodeCursor(q.cursor);
    // The hot read of GET /v1/data, as a fixed statement (see HotQuery).
    this.hot ??= new HotQuery(this.records.manager.connection);
    const rows = after
      ? await this.hot.rows<ListRow>('data_list_after', LIST_AFTER, [ownerId, limit + 1, after.createdAt, after.id])
      : await this.hot.rows<ListRow>('data_list_first', LIST_FIRST, [ownerId, limit + 1]);
    return toPage(rows, limit, toView);
  }

  async get(principal: Principal, id: string): Promise<DataRecordView> {
    const ownerId = await this.ownerOf(principal);
    const row = isUuid(id) ? await this.records.findOneBy({ id, ownerId }) : null;
    if (!row) throw notFound(id);
    return toView(row);
  }

  async create(principal: Principal, dto: CreateDataDto): Promise<DataRecordView> {
    const ownerId = await this.ownerOf(principal);
    if (Buffer.byteLength(JSON.stringify(dto.data)) > MAX_RECORD_BYTES) {
      throw new ProblemError(ProblemCode.PayloadTooLarge, `data must be at most ${MAX_RECORD_BYTES} bytes of JSON`);
    }
    const row = await this.records.save(this.records.create({ ownerId, body: dto.data }));
    return toView(row);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const ownerId = await this.ownerOf(principal);
    const result = isUuid(id) ? await this.records.delete({ id, ownerId }) : { affected: 0 };
    if (!result.affected) throw notFound(id);
  }
}

function notFound(id: string): ProblemError {
  return ProblemError.notFound(`Data record ${id.slice(0, 64)}`);
}

type ListRow = Pick<DataRecord, 'id' | 'body' | 'createdAt'>;

function toView(r: ListRow): DataRecordView {
  return { id: r.id, data: r.body, created_at: r.createdAt.toISOString() };
}
