import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { QueryFailedError } from 'typeorm';
import { ProblemError } from '../common/problem.js';
import { ConfigError, loadConfig, processEnv } from '../config/config.js';
import { openDatabase, type Database } from '../database/data-source.js';
import { isDatabaseUnavailable } from '../database/db-errors.js';
import { MasterKeyMismatchError } from '../oauth/signing-keys.service.js';
import { CliModule } from './cli.module.js';
import { CliError, joinNegativeValues, type Command, type CommandResult, type Flags } from './command.js';
import { COMMANDS } from './commands.js';

/**
 * `npm run -s cli -- <command> [--flags] [--json]`: operator commands against the configured
 * database (embedded or DATABASE_URL). With --json, stdout carries exactly one JSON object; errors
 * go to stderr with exit status 2 (usage) or 1 (failure).
 */
const BIN = 'npm run -s cli --';
const GLOBAL_FLAGS = new Set(['--json', '--help', '-h']);

async function main(argv: string[]): Promise<number> {
  const leading: string[] = [];
  while (argv.length > 0 && GLOBAL_FLAGS.has(argv[0])) leading.push(argv.shift()!);
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help') {
    const help = leading.length > 0 || name === 'help';
    (help ? process.stdout : process.stderr).write(helpText());
    return help ? 0 : 2;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) throw CliError.usage(`unknown command "${name}"; the commands are: ${Object.keys(COMMANDS).join(', ')}`);
  const flags = parseFlags(name, cmd, [...leading, ...rest]);
  if (flags.help) {
    process.stdout.write(`usage: ${usage(name, cmd)}\n  ${cmd.summary}\n`);
    return 0;
  }
  const work = cmd.prepare(flags);
  const config = loadConfig({ ...processEnv(), BOOTSTRAP: 'false' });
  const db = await openDatabase(config, { migrate: cmd.migrate, poolSize: 2, role: 'cli' });
  let result: CommandResult;
  let app: INestApplicationContext | undefined;
  try {
    if (cmd.imports.length > 0) {
      app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.dataSource, cmd.imports), { logger: false, abortOnError: false });
    }
    result = await work({ config, db, app: app ?? noApp(name) });
  } finally {
    await closeAll(app, db);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(result.json)}\n` : `${result.text.join('\n')}\n`);
  return 0;
}

function parseFlags(name: string, cmd: Command, args: string[]): Flags {
  const options = Object.fromEntries(cmd.flags.map((f) => [f, { type: 'string' as const }]));
  try {
    return parseArgs({
      args: joinNegativeValues(cmd, args),
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (err) {
    throw CliError.usage(`${(err as Error).message}\nusage: ${usage(name, cmd)}`);
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

function usage(name: string, cmd: Command): string {
  return `${BIN} ${name} ${cmd.usage}${cmd.usage ? ' ' : ''}[--json]`;
}

function helpText(): string {
  const lines = Object.entries(COMMANDS).map(([name, cmd]) => `  ${usage(name, cmd)}\n      ${cmd.summary}`);
  return `usage: ${BIN} <command> [flags] [--json]\n\ncommands:\n${lines.join('\n')}\n\nWith --json, one JSON object is printed on stdout and nothing else.\n`;
}

/** Expected failures get one line; anything else is a bug and keeps its stack. */
function describe(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof ConfigError || err instanceof MasterKeyMismatchError) return { message: err.message, code: 1 };
  if (err instanceof ProblemError) return { message: err.detail, code: 1 };
  if (isDatabaseUnavailable(err)) return { message: `cannot reach the database: ${(err as Error).message}`, code: 1 };
  if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
    return { message: `already exists: ${(err.driverError as { detail?: string }).detail ?? err.message}`, code: 1 };
  }
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => finish(code),
  (err: unknown) => {
    const { message, code } = describe(err);
    process.stderr.write(`gatehouse: ${message}\n`);
    finish(code);
  },
);

/** Exits once output is flushed, even if a library left a handle open. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
