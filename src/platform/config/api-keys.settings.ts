import type { EnvReader } from './env.js';

/** API keys: API_KEY_CACHE_TTL. */
export interface ApiKeySettings {
  /** Seconds a verified API key is cached (revocations reach every instance at once anyway); 0 = no cache. */
  readonly apiKeyCacheTtl: number;
}

export function apiKeySettings({ int }: EnvReader): ApiKeySettings {
  return { apiKeyCacheTtl: int('API_KEY_CACHE_TTL', 30, 0, 3600) };
}
