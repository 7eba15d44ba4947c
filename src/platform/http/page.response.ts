import { ApiProperty } from '@nestjs/swagger';

type Class<T = object> = new (...args: never[]) => T;

/** One page of a keyset-paginated list, as every `GET` list route answers it (`?limit=&cursor=`). */
export interface PageResponse<T> {
  data: T[];
  next_cursor: string | null;
}

const pages = new Map<Class, Class<PageResponse<unknown>>>();

/**
 * The OpenAPI schema of a page of `item`s: a class named `<Item>Page` (`UserResponsePage`), made once
 * per item class so that the document has one schema per list, referenced by every route that returns it.
 * `@ApiOkResponse({ type: PageOf(UserResponse) })`.
 */
export function PageOf<T extends object>(item: Class<T>): Class<PageResponse<T>> {
  const known = pages.get(item);
  if (known) return known as Class<PageResponse<T>>;
  class Page implements PageResponse<T> {
    @ApiProperty({ type: [item], description: 'This page, newest first (at most `limit` items)' })
    data: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `cursor` to get the next page; null on the last page',
      example: 'WyIyMDI2LTAxLTAxVDAwOjAwOjAwLjAwMFoiLCI1ZjNjLi4uIl0',
    })
    next_cursor: string | null;
  }
  Object.defineProperty(Page, 'name', { value: `${item.name}Page` });
  pages.set(item, Page);
  return Page;
}
