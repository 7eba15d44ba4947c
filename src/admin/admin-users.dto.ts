import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../platform/http/pagination.js';

export class AdminUserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the email or display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ['admin', 'developer'] })
  @IsOptional()
  @IsIn(['admin', 'developer'])
  role?: 'admin' | 'developer';

  @ApiPropertyOptional({ enum: ['active', 'disabled', 'invited'] })
  @IsOptional()
  @IsIn(['active', 'disabled', 'invited'])
  status?: 'active' | 'disabled' | 'invited';
}

export class AdminUserUpdate {
  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'A disabled user cannot sign in, and their tokens stop working' })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ enum: ['admin', 'developer'] })
  @IsOptional()
  @IsIn(['admin', 'developer'])
  role?: 'admin' | 'developer';
}
