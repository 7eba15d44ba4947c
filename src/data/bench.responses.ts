import { ApiProperty } from '@nestjs/swagger';

/** `GET /v1/ping` (BENCH_ROUTES=true only). */
export class PingResponse {
  @ApiProperty({ enum: [true], example: true })
  ok: true;
}
