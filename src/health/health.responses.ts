import { ApiProperty } from '@nestjs/swagger';

/** `GET /health/live`: the process answers. */
export class LivenessResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
}

/** `GET /health/ready`: the same body with 200 (ready) and 503 (the database did not answer within 2 s). */
export class ReadinessResponse {
  @ApiProperty({ enum: ['ready', 'unavailable'], example: 'ready' })
  status: 'ready' | 'unavailable';

  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  database: 'up' | 'down';
}
