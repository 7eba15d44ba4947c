import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordService } from './password.service.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const USERS_ENTITIES = [User];

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, PasswordService],
  exports: [UsersService, PasswordService],
})
export class UsersModule {}
