/** Where the end-to-end suites find PostgreSQL: a maintenance database on a real server. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A fixed master key for tests (production refuses placeholders; this is 44 random characters). */
export const TEST_MASTER_KEY = 'q8Jx0vK3nE7pL2sT9wY4zB6cF1hM5rU0aD3gN8kV2xQ=';
