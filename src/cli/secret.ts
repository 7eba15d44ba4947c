import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './command.js';

export const MIN_PASSWORD = 12;

/**
 * A secret the operator types or pipes in, never taken from argv (where `ps` and shell history see it):
 * on a terminal, a prompt without echo; otherwise the first line of standard input.
 */
export async function readSecret(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const line = stdin.isTTY ? await promptHidden(prompt, stdin) : await firstLine(stdin);
  return line.replace(/\r?\n$/, '').replace(/\r$/, '');
}

/** The password read as readSecret does, checked as users:create checks --password. */
export async function readPassword(prompt: string): Promise<string> {
  const password = await readSecret(prompt);
  if (password === '') throw CliError.usage('no password on standard input: pipe it in (one line) or type it at the prompt');
  if (password.length < MIN_PASSWORD) throw CliError.usage(`the password must be at least ${MIN_PASSWORD} characters`);
  return password;
}

function firstLine(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((done, fail) => {
    let text = '';
    const finish = (): void => {
      stdin.pause();
      stdin.removeAllListeners('data');
      done(text.split('\n')[0]);
    };
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) finish();
    });
    stdin.once('end', finish);
    stdin.once('error', fail);
  });
}

function promptHidden(prompt: string, stdin: NodeJS.ReadStream): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, next) => next() });
  const rl = createInterface({ input: stdin, output: muted, terminal: true });
  return new Promise((done) => {
    rl.once('line', (line) => {
      rl.close();
      process.stderr.write('\n');
      done(line);
    });
  });
}
