import 'reflect-metadata';
import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { MemoValidationPipe } from './memo-validation.pipe.js';
import { PageQuery } from './pagination.js';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true };
const query: ArgumentMetadata = { type: 'query', metatype: PageQuery, data: undefined };

async function outcome(pipe: ValidationPipe, value: Record<string, unknown>): Promise<unknown> {
  try {
    return { ok: await pipe.transform({ ...value }, query) };
  } catch (err) {
    return { error: err instanceof BadRequestException ? err.getResponse() : String(err) };
  }
}

describe('MemoValidationPipe', () => {
  const inputs: Record<string, unknown>[] = [
    { limit: '1' },
    { limit: '20', cursor: 'abc_DEF-1' },
    { limit: '0' },
    { limit: '1000' },
    { limit: 'abc' },
    { cursor: '!!!' },
    { unknown: '1' },
    { limit: ['1', '2'] },
    {},
  ];

  it('answers exactly as ValidationPipe, the first time and every time after', async () => {
    const plain = new ValidationPipe(OPTIONS);
    const memo = new MemoValidationPipe(OPTIONS);
    for (let round = 0; round < 3; round++) {
      for (const input of inputs) expect(await outcome(memo, input)).toEqual(await outcome(plain, input));
    }
  });

  it('gives each caller its own instance of the DTO class', async () => {
    const memo = new MemoValidationPipe(OPTIONS);
    const a = (await memo.transform({ limit: '5' }, query)) as PageQuery;
    const b = (await memo.transform({ limit: '5' }, query)) as PageQuery;
    expect(b).toBeInstanceOf(PageQuery);
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    a.limit = 99;
    expect(((await memo.transform({ limit: '5' }, query)) as PageQuery).limit).toBe(5);
  });

  it('validates bodies and single query parameters every time (never remembered)', async () => {
    const memo = new MemoValidationPipe(OPTIONS);
    const body: ArgumentMetadata = { type: 'body', metatype: PageQuery, data: undefined };
    expect(await memo.transform({ limit: '3' }, body)).toEqual(Object.assign(new PageQuery(), { limit: 3 }));
    await expect(memo.transform({ limit: '0' }, body)).rejects.toBeInstanceOf(BadRequestException);
    expect(await memo.transform('x', { type: 'query', metatype: String, data: 'return_to' })).toBe('x');
  });
});
