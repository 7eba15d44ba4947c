import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueryFailedError } from 'typeorm';
import { ProblemError } from '../platform/http/problem.js';
import { ConfigError, loadConfig, processEnv } from '../platform/config/config.js';
import { openDatabase, type Database } from '../platform/database/data-source.js';
import { isDatabaseUnavailable } from '../platform/database/db-errors.js';
import { MasterKeyMismatchError } from '../oauth/signing-keys.service.js';
import { CliModule } from './cli.module.js';
import { CliError, type Command, type CommandResult, type Flags } from './command.js';
import { ENTITIES } from '../entities.js';

/**
 * The heavy half of the CLI (Nest, TypeORM, pg), imported by `main.ts` only once a command is to run:
 * validates the flags, opens the database, builds the command's Nest context, runs it.
 */
export async function execute(name: string, cmd: Command, flags: Flags): Promise<CommandResult> {
  const work = cmd.prepare(flags);
  const config = loadConfig({ ...processEnv(), BOOTSTRAP: 'false' });
  const db = await openDatabase(config, { entities: ENTITIES, migrate: cmd.migrate, poolSize: 2, role: 'cli' });
  let app: INestApplicationContext | undefined;
  try {
    if (cmd.imports.length > 0) {
      app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.dataSource, cmd.imports), { logger: false, abortOnError: false });
    }
    return await work({ config, db, app: app ?? noApp(name) });
  } finally {
    await closeAll(app, db);
  }
}

async function closeAll(app: INestApplicationContext | undefined, db: Database): Promise<void> {
  try {
    await app?.close();
  } finally {
    await db.close();
  }
}

function noApp(name: string): INestApplicationContext {
  return new Proxy({} as INestApplicationContext, {
    get: () => {
      throw new Error(`command ${name} declared no Nest modules to import`);
    },
  });
}

/** Expected failures get one line; anything else is a bug and keeps its stack. */
export function describeFailure(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof ConfigError || err instanceof MasterKeyMismatchError) return { message: err.message, code: 1 };
  if (err instanceof ProblemError) return { message: err.detail, code: 1 };
  if (isDatabaseUnavailable(err)) return { message: `cannot reach the database: ${(err as Error).message}`, code: 1 };
  if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
    return { message: `already exists: ${(err.driverError as { detail?: string }).detail ?? err.message}`, code: 1 };
  }
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 };
}
