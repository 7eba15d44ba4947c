import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorator.js';

/** `/`: a person who opens the server's address lands on the developer portal (its sign-in when signed out). */
@ApiExcludeController()
@Controller()
export class RootController {
  @Get()
  @Public()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/portal', 302);
  }
}
