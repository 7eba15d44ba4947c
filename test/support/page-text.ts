/** Decodes the few entities the `html` tag writes (src/platform/html/html.ts). */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

/** The messages shown next to a field of a portal form (inside its `id="FIELD-error"` block), decoded. */
export function fieldErrors(page: string, field: string): string[] {
  const block = new RegExp(`<div id="${field}-error" role="alert">([\\s\\S]*?)</div>`).exec(page)?.[1];
  if (!block) return [];
  return [...block.matchAll(/<p class="field-error">([\s\S]*?)<\/p>/g)].map((m) => unescapeHtml(m[1]));
}
