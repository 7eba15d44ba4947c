/**
 * An `application/x-www-form-urlencoded` body that keeps every value of every name, so that a
 * parameter sent twice can be refused (RFC 6749 3.1/3.2) instead of silently merged. Lookup is by a
 * Map, so names like `__proto__` are just names.
 */
export class FormBody {
  private readonly params = new Map<string, string[]>();

  constructor(raw: string) {
    for (const [name, value] of new URLSearchParams(raw)) {
      const values = this.params.get(name);
      if (values) values.push(value);
      else this.params.set(name, [value]);
    }
  }

  static parse(body: Buffer | string): FormBody {
    return new FormBody(typeof body === 'string' ? body : body.toString('utf8'));
  }

  /** All values of a name, empty ones included. */
  all(name: string): string[] {
    return this.params.get(name) ?? [];
  }

  /**
   * The single value of `name`, or undefined when absent or empty (RFC 6749 3.1: "Parameters sent
   * without a value MUST be treated as if they were omitted"). Throws `onRepeat(name)` when sent twice.
   */
  one(name: string, onRepeat: (name: string) => Error): string | undefined {
    const values = this.params.get(name);
    if (!values) return undefined;
    if (values.length > 1) throw onRepeat(name);
    return values[0] === '' ? undefined : values[0];
  }

  /** True when some name or value holds a NUL, which no OAuth parameter may (and PostgreSQL text cannot). */
  hasNul(): boolean {
    for (const [name, values] of this.params) if (name.includes('\0') || values.some((v) => v.includes('\0'))) return true;
    return false;
  }

  /** The first name given more than once, if any (RFC 6749 3.1, 3.2: parameters MUST NOT be included more than once). */
  repeatedName(): string | undefined {
    for (const [name, values] of this.params) if (values.length > 1) return name;
    return undefined;
  }

  names(): string[] {
    return [...this.params.keys()];
  }
}
