import { parseArgs } from 'node:util';
import { CliError, joinNegativeValues, type Flags } from './command.js';
import { COMMANDS, type CommandInfo } from './commands.js';

/**
 * `npm run -s cli -- <command> [--flags] [--json]`: operator commands against the configured
 * database (embedded or DATABASE_URL). With --json, stdout carries exactly one JSON object; errors
 * go to stderr with exit status 2 (usage) or 1 (failure).
 *
 * This file loads nothing heavy: help and usage errors print at once, and Nest, TypeORM and pg
 * (`run.ts`) and the command's own file are imported only when a command runs.
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
  const info = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!info) throw CliError.usage(`unknown command "${name}"; the commands are: ${Object.keys(COMMANDS).join(', ')}`);
  const flags = parseFlags(name, info, [...leading, ...rest]);
  if (flags.help) {
    process.stdout.write(`usage: ${usage(name, info)}\n  ${info.summary}\n`);
    return 0;
  }
  const [cmd, { execute }] = await Promise.all([info.load(), import('./run.js')]);
  const result = await execute(name, cmd, flags);
  process.stdout.write(flags.json ? `${JSON.stringify(result.json)}\n` : `${result.text.join('\n')}\n`);
  return 0;
}

function parseFlags(name: string, info: CommandInfo, args: string[]): Flags {
  const options = Object.fromEntries(info.flags.map((f) => [f, { type: 'string' as const }]));
  try {
    return parseArgs({
      args: joinNegativeValues(info, args),
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (err) {
    throw CliError.usage(`${(err as Error).message}\nusage: ${usage(name, info)}`);
  }
}

function usage(name: string, info: CommandInfo): string {
  return `${BIN} ${name} ${info.usage}${info.usage ? ' ' : ''}[--json]`;
}

function helpText(): string {
  const lines = Object.entries(COMMANDS).map(([name, info]) => `  ${usage(name, info)}\n      ${info.summary}`);
  return `usage: ${BIN} <command> [flags] [--json]\n\ncommands:\n${lines.join('\n')}\n\nWith --json, one JSON object is printed on stdout and nothing else.\n`;
}

/** A usage error needs nothing loaded; any other failure is described by the module that can tell them apart. */
async function describe(err: unknown): Promise<{ message: string; code: number }> {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  try {
    return (await import('./run.js')).describeFailure(err);
  } catch {
    return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 };
  }
}

main(process.argv.slice(2)).then(
  (code) => finish(code),
  async (err: unknown) => {
    const { message, code } = await describe(err);
    process.stderr.write(`gatehouse: ${message}\n`);
    finish(code);
  },
);

/** Exits once output is flushed, even if a library left a handle open. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
