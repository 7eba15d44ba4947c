import { html, type SafeHtml } from '../../platform/html/html.js';

const W = 360;
const H = 120;
const TOP = 14;
const BOTTOM = 16;

/**
 * A bar chart drawn on the server: SVG with presentation attributes and stylesheet classes only (the
 * CSP allows no inline style), a <title> and <desc> for screen readers, scaled to its container (the
 * viewBox; the stylesheet makes it 100% wide), so it fits 390 px. The numbers are also in a table.
 */
export function barChart(id: string, title: string, labels: readonly string[], values: readonly number[], axis: [string, string]): SafeHtml {
  const max = Math.max(1, ...values);
  const step = W / values.length;
  const bar = Math.max(1, step - 2);
  const total = values.reduce((a, b) => a + b, 0);
  const bars = values.map((v, i) => {
    const h = Math.round((v / max) * (H - TOP - BOTTOM) * 10) / 10;
    const x = Math.round(i * step * 10) / 10;
    return html`<rect class="bar" x="${x}" y="${H - BOTTOM - h}" width="${Math.round(bar * 10) / 10}" height="${h}"><title>${labels[i]}: ${v}</title></rect>`;
  });
  return html`<figure class="chart">
    <svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">
      <title id="${id}-title">${title}</title>
      <desc id="${id}-desc">${total} in all, at most ${Math.max(0, ...values)} in one bar; from ${axis[0]} to ${axis[1]} (UTC).</desc>
      <line class="axis" x1="0" y1="${H - BOTTOM}" x2="${W}" y2="${H - BOTTOM}" />
      ${bars}
      <text class="label" x="0" y="${H - 3}">${axis[0]}</text>
      <text class="label" x="${W}" y="${H - 3}" text-anchor="end">${axis[1]}</text>
      <text class="label" x="0" y="10">max ${max}</text>
    </svg>
    <figcaption>${title}: <strong>${total}</strong></figcaption>
  </figure>`;
}
