import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../platform/http/page.response.js';

/** A user as the API shows it (`toUserView`): never a password hash or a sign-in counter. */
export class UserResponse {
  @ApiProperty({ type: String, format: 'uuid', example: '0b6b1c9e-4f7a-4f43-9d0e-3c2f2f1d6a11' })
  id: string;

  @ApiProperty({ type: String, format: 'email', example: 'ada@example.com' })
  email: string;

  @ApiProperty({ type: String, example: 'Ada Lovelace', description: 'May be empty' })
  display_name: string;

  @ApiProperty({ enum: ['admin', 'developer'], example: 'developer' })
  role: 'admin' | 'developer';

  @ApiProperty({
    enum: ['active', 'disabled', 'invited'],
    example: 'active',
    description: 'A disabled user cannot sign in, and its tokens and keys are refused; an invited user has not yet chosen a password (cannot sign in)',
  })
  status: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at: string;
}

/** `GET /v1/users` and `GET /v1/admin/users`. */
export const UserPage = PageOf(UserResponse);
