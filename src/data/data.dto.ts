import { ApiHideProperty, ApiProperty } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { PageQuery } from '../platform/http/pagination.js';

/** A record's JSON, at most this many bytes once serialised. */
export const MAX_RECORD_BYTES = 16 * 1024;

export class CreateDataDto {
  @ApiProperty({ description: `Any JSON object, at most ${MAX_RECORD_BYTES} bytes`, example: { temperature: 21.5, room: 'lab' } })
  @IsObject()
  data: Record<string, unknown>;
}

/** Page query of the Data API; also lets the (deprecated) `api_key` parameter through, which the guard has read. */
export class DataPageQuery extends PageQuery {
  @ApiHideProperty()
  @IsOptional()
  api_key?: unknown;
}

export interface DataRecordView {
  id: string;
  data: Record<string, unknown>;
  created_at: string;
}
