import { CliError, collectProblems, joinNegativeValues, oneOf, problem, required } from './command.js';

describe('joinNegativeValues', () => {
  const cmd = { flags: ['expires-in', 'name'] };

  it('joins a flag that takes a value with a negative number after it', () => {
    expect(joinNegativeValues(cmd, ['--expires-in', '-5', '--json'])).toEqual(['--expires-in=-5', '--json']);
    expect(joinNegativeValues(cmd, ['--name', '-1.5'])).toEqual(['--name=-1.5']);
    expect(joinNegativeValues(cmd, ['--expires-in', '-.5'])).toEqual(['--expires-in=-.5']);
  });

  it('leaves everything else alone', () => {
    expect(joinNegativeValues(cmd, ['--expires-in', '--json'])).toEqual(['--expires-in', '--json']);
    expect(joinNegativeValues(cmd, ['--json', '-5'])).toEqual(['--json', '-5']);
    expect(joinNegativeValues(cmd, ['--colour', '-5'])).toEqual(['--colour', '-5']);
    expect(joinNegativeValues(cmd, ['--expires-in=-5'])).toEqual(['--expires-in=-5']);
    expect(joinNegativeValues(cmd, ['--expires-in'])).toEqual(['--expires-in']);
    expect(joinNegativeValues(cmd, ['--name', '-x'])).toEqual(['--name', '-x']);
  });
});

describe('collectProblems', () => {
  const parse = (flags: Record<string, string>) =>
    collectProblems(() => {
      const email = required(flags, 'email');
      const role = oneOf('role', flags.role ?? 'developer', ['admin', 'developer']);
      if (email === '') problem('--email must be an address');
      if (flags.name === 'x') throw CliError.usage('--name is bad');
      return { email, role };
    });

  it('lists every problem, one a line, at most one per flag, a thrown one last', () => {
    expect(() => parse({ role: 'root', name: 'x' })).toThrow(
      expect.objectContaining({ exitCode: 2, message: '--email is required\n--role must be one of admin, developer (got "root")\n--name is bad' }),
    );
  });

  it('returns the input when there is none, and throws at once outside a parse step', () => {
    expect(parse({ email: 'a@example.com' })).toEqual({ email: 'a@example.com', role: 'developer' });
    expect(() => problem('--x is bad')).toThrow(CliError);
  });

  it('lets other errors through untouched', () => {
    expect(() =>
      collectProblems(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
