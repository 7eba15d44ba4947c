import { Global, Module } from '@nestjs/common';
import { ChangeBus } from './change-bus.service.js';

/** The change bus, for every module that caches something other instances may change. */
@Global()
@Module({ providers: [ChangeBus], exports: [ChangeBus] })
export class ChangeBusModule {}
