import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import type { AppConfig } from '../platform/config/config.js';
import type { Database } from '../platform/database/data-source.js';

/** A command-line failure with its exit status: 2 for a usage error, 1 for anything else. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(message, 2);
  }
}

export type Flags = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  readonly config: AppConfig;
  readonly db: Database;
  /** The Nest application context built from the command's `imports` (absent when it has none). */
  readonly app: INestApplicationContext;
}

/** What a command prints: `json` with --json, `text` lines otherwise. */
export interface CommandResult {
  readonly json: Record<string, unknown>;
  readonly text: string[];
}

/**
 * A command's body. Its name, summary, usage and flags live in `commands.ts`, which imports nothing
 * heavy, so `--help` and usage errors never load Nest, TypeORM or pg.
 */
export interface CommandDef<I> {
  /** Nest modules the command needs; without any, no application context is created. */
  readonly imports?: ModuleMetadata['imports'];
  /** False to open the database without applying pending migrations first. */
  readonly migrate?: boolean;
  /** Checks the flags before anything is opened; throws CliError.usage for a bad value. */
  parse(flags: Flags): I;
  run(ctx: CommandContext, input: I): Promise<CommandResult>;
}

export interface Command {
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  readonly migrate: boolean;
  /** Validates the flags, returning the work to run once the database is open. */
  prepare(flags: Flags): (ctx: CommandContext) => Promise<CommandResult>;
}

export function command<I>(def: CommandDef<I>): Command {
  return {
    imports: def.imports ?? [],
    migrate: def.migrate ?? true,
    prepare(flags) {
      const input = collectProblems(() => def.parse(flags));
      return (ctx) => def.run(ctx, input);
    },
  };
}

/** While a command's parse step runs: every problem found so far, at most one per flag. */
let collecting: Map<string, string> | undefined;

/**
 * A bad flag value. While parsing, it is noted and parsing goes on (the helpers below then return a
 * stand-in value), so that one usage error lists every problem; elsewhere it throws at once.
 */
export function problem(message: string): void {
  if (!collecting) throw CliError.usage(message);
  const key = /^--([\w-]+)/.exec(message)?.[1] ?? message;
  if (!collecting.has(key)) collecting.set(key, message);
}

/** Runs a parse step; a usage error then lists every problem, one a line (a thrown one too). */
export function collectProblems<I>(parse: () => I): I {
  const problems = new Map<string, string>();
  collecting = problems;
  let input: I | undefined;
  try {
    input = parse();
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode !== 2) throw err;
    problem(err.message);
  } finally {
    collecting = undefined;
  }
  if (problems.size > 0) throw CliError.usage([...problems.values()].join('\n'));
  return input as I;
}

/** The value of `--name`, which must be given and not be empty. */
export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v.trim() === '') {
    problem(`--${name} is required`);
    return '';
  }
  return v.trim();
}

export function optional(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    problem(`--${name} needs a value`);
    return undefined;
  }
  return v.trim();
}

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) problem(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** The value of an optional `--name` that must be one of `allowed`. */
export function optionalOneOf<T extends string>(flags: Flags, name: string, allowed: readonly T[]): T | undefined {
  const v = optional(flags, name);
  return v === undefined ? undefined : oneOf(name, v, allowed);
}

/** A space- (or comma-) separated list, duplicates folded. */
export function list(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))];
}

/**
 * `--expires-in -5` as `--expires-in=-5`: node's parseArgs calls a value starting with "-" ambiguous,
 * so a negative number would get its message instead of the command's own check.
 */
export function joinNegativeValues(cmd: { readonly flags: readonly string[] }, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') && !args[i].includes('=') ? args[i].slice(2) : undefined;
    if (name !== undefined && cmd.flags.includes(name) && i + 1 < args.length && /^-[\d.]/.test(args[i + 1])) {
      out.push(`${args[i]}=${args[++i]}`);
    } else out.push(args[i]);
  }
  return out;
}
