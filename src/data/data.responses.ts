import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../platform/http/page.response.js';

/** A stored record of the Data API: the caller's JSON object, as it was sent. */
export class DataRecordResponse {
  @ApiProperty({ type: String, format: 'uuid', example: '6f1d2c3b-8a9e-4b7c-9d0e-1f2a3b4c5d6e' })
  id: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The JSON object stored, unchanged',
    example: { temperature: 21.5, room: 'lab' },
  })
  data: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at: string;
}

/** `GET /v1/data`. */
export const DataRecordPage = PageOf(DataRecordResponse);
