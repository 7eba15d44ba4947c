import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_DATE,
  IS_EMAIL,
  IS_ENUM,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_LENGTH,
  IS_NUMBER,
  IS_OPTIONAL,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidateBy,
  ValidateIf,
  ValidationTypes,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Transform } from 'class-transformer';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/**
 * Speed-up rule (CONTRIBUTING.md, "Speed-up rules"): MemoValidationPipe
 * (src/platform/http/memo-validation.pipe.ts) remembers the outcome of a whole `@Query()` DTO by the
 * query string. That is only correct when validating and transforming the DTO is a pure function of
 * the query string: built-in validators with fixed constraints, no custom or async validator, no
 * `@ValidateIf`, no `@Transform`, no stateful (global or sticky) regular expression. This suite finds
 * every such DTO the way Nest does (the route arguments of every controller in src/) and reads their
 * class-validator and class-transformer metadata.
 */

const SRC = join(import.meta.dirname, '..', 'src');
const RULE =
  'MemoValidationPipe (src/platform/http/memo-validation.pipe.ts) remembers a validated @Query() DTO by its query string, so every ' +
  'validator on a query DTO must be a pure built-in one (see "Speed-up rules" in CONTRIBUTING.md). Use a built-in validator, validate ' +
  'this in the service instead, or pass the pipe a DTO it does not memoise (a named @Query("field") parameter)';

/** Built-in class-validator checks that depend on the value and their fixed constraints only. */
const PURE_VALIDATORS = new Set<string>([
  IS_STRING,
  IS_INT,
  IS_NUMBER,
  IS_BOOLEAN,
  IS_DATE,
  IS_IN,
  IS_UUID,
  IS_ISO8601,
  IS_EMAIL,
  IS_ENUM,
  IS_ARRAY,
  MATCHES,
  MIN,
  MAX,
  MIN_LENGTH,
  MAX_LENGTH,
  IS_LENGTH,
  ARRAY_MIN_SIZE,
  ARRAY_MAX_SIZE,
]);
/** `@Type(() => X)` conversions class-transformer applies to a query value: plain constructors, pure. */
const PURE_TYPES: unknown[] = [Number, String, Boolean, Date];

interface TransformerStorage {
  findTransformMetadatas(target: object, property: string, type: number): unknown[];
  findTypeMetadata(target: object, property: string): { typeFunction: () => unknown } | undefined;
}
// The instance the DTOs' decorators wrote to (class-transformer does not export it from its index).
const transformer = (createRequire(import.meta.url)('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage }).defaultMetadataStorage;

function isClass(t: unknown): t is new () => object {
  return typeof t === 'function' && ![String, Number, Boolean, Array, Object].includes(t as never);
}

/** Every class Nest hands to the global pipe as a whole `@Query()` (metatype of a QUERY argument with no field name). */
async function queryDtos(): Promise<Map<new () => object, string[]>> {
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  const found = new Map<new () => object, string[]>();
  for (const file of files.filter((f) => readFileSync(join(SRC, f), 'utf8').includes('@Controller('))) {
    const mod = (await import(pathToFileURL(join(SRC, file)).href)) as Record<string, unknown>;
    for (const controller of Object.values(mod).filter((v): v is new () => object => typeof v === 'function')) {
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
        for (const [key, arg] of Object.entries(args)) {
          if (key !== `${RouteParamtypes.QUERY}:${arg.index}` || arg.data !== undefined || !isClass(types[arg.index])) continue;
          const dto = types[arg.index] as new () => object;
          found.set(dto, [...(found.get(dto) ?? []), `${file} ${controller.name}.${method}`]);
        }
      }
    }
  }
  return found;
}

/** What is wrong with one validation constraint for the memo, or undefined when it is pure. */
function impurity(m: ValidationMetadata): string | undefined {
  const what = `${m.propertyName}: ${m.name ?? m.type}`;
  if (m.type === ValidationTypes.IS_DEFINED || m.type === ValidationTypes.WHITELIST) return undefined;
  if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
    return m.name === IS_OPTIONAL ? undefined : `${what} is a @ValidateIf (a condition the memo cannot see)`;
  }
  if (m.type !== ValidationTypes.CUSTOM_VALIDATION) return `${what} is a ${m.type} validation (nested, promise or custom), not a flat built-in check`;
  if (m.name === undefined || !PURE_VALIDATORS.has(m.name)) return `${what} is not a known pure built-in validator`;
  // Built-ins are made by registerDecorator with an inline validator; @Validate(SomeClass) names the class.
  if ((m.constraintCls as { name?: string }).name !== 'CustomConstraint') return `${what} runs the class ${(m.constraintCls as { name?: string }).name}`;
  const constraint = getMetadataStorage().getTargetValidatorConstraints(m.constraintCls)[0];
  if (constraint?.async) return `${what} is asynchronous`;
  const sticky = ((m.constraints ?? []) as unknown[]).find((c): c is RegExp => c instanceof RegExp && (c.global || c.sticky));
  if (sticky) return `${what} uses ${String(sticky)}, whose lastIndex changes between calls`;
  return undefined;
}

function transformImpurities(dto: new () => object, properties: string[]): string[] {
  const problems: string[] = [];
  for (const property of properties) {
    // 0, 1, 2: plain to class, class to plain, class to class.
    if ([0, 1, 2].some((t) => transformer.findTransformMetadatas(dto, property, t).length > 0)) problems.push(`${property}: has a @Transform`);
    const type = transformer.findTypeMetadata(dto, property);
    if (type && !PURE_TYPES.includes(type.typeFunction())) problems.push(`${property}: @Type to something other than ${PURE_TYPES.map(String).join(', ')}`);
  }
  return problems;
}

/** Everything that makes one DTO unsafe to memoise. */
function problemsOf(dto: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [
    ...metadata.map(impurity).filter((p): p is string => p !== undefined),
    ...transformImpurities(dto, [...new Set(metadata.map((m) => m.propertyName))]),
  ];
}

class UniqueName implements ValidatorConstraintInterface {
  private seen = 0;
  validate(): boolean {
    return ++this.seen < 2;
  }
}

/** What the rule forbids, one of each: the check must name them all. */
class ImpureQuery {
  @IsOptional()
  @ValidateIf((o: { other?: string }) => o.other === undefined)
  @IsString()
  a?: string;

  @Validate(UniqueName)
  b?: string;

  @ValidateBy({ name: 'isTaken', async: true, validator: { validate: () => Promise.resolve(true) } })
  c?: string;

  @Matches(/x/g)
  d?: string;

  @Transform(({ value }: { value: string }) => `${value}${Date.now()}`)
  @IsString()
  e?: string;
}

describe('Speed-up rule: the query DTOs MemoValidationPipe memoises are pure', () => {
  let dtos: Map<new () => object, string[]>;
  beforeAll(async () => {
    dtos = await queryDtos();
  });

  it('finds the query DTOs of the API, and their class-transformer metadata (the discovery itself works)', () => {
    const names = [...dtos.keys()].map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['PageQuery', 'AuditQuery', 'AdminUserQuery', 'AdminClientQuery', 'AdminApiKeysQuery', 'DataPageQuery']));
    const page = [...dtos.keys()].find((d) => d.name === 'PageQuery')!;
    expect(transformer.findTypeMetadata(page, 'limit')?.typeFunction()).toBe(Number);
  });

  it('every validator and transform on them is an allowed pure built-in', () => {
    const problems: string[] = [];
    for (const [dto, routes] of dtos) for (const p of problemsOf(dto)) problems.push(`${dto.name}.${p} (used by ${routes.join(', ')})`);
    if (problems.length > 0) throw new Error(`${RULE}:\n  - ${problems.join('\n  - ')}`);
  });

  it('names what breaks the rule: @ValidateIf, @Validate with a class, an async validator, a sticky regex, @Transform', () => {
    expect(problemsOf(ImpureQuery)).toEqual([
      'a: conditionalValidation is a @ValidateIf (a condition the memo cannot see)',
      'b: customValidation is not a known pure built-in validator',
      'c: isTaken is not a known pure built-in validator',
      'd: matches uses /x/g, whose lastIndex changes between calls',
      'e: has a @Transform',
    ]);
  });
});
