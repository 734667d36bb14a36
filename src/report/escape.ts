// Job summaries are rendered as HTML from Markdown: every string a user or a server
// controls is escaped, so it shows as text and cannot add links, markup or rows.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// With brackets escaped no link can form, so parentheses stay readable; `#` stays
// escaped because a reason line could start with it.
const MARKDOWN = /[\\`*_[\]#|~]/g;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/** Safe inside a Markdown table cell or paragraph: no markup, no row breaks, no control characters. */
export function md(text: string): string {
  return escapeHtml(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\r?\n/g, ' ')
    .replace(MARKDOWN, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline code for values like SHAs and hostnames (escaped; backticks cannot break out). */
export function code(text: string): string {
  return `<code>${md(text)}</code>`;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '—';
}

/** A link, only for http(s) URLs (a server could send `javascript:`); otherwise the text alone. */
export function link(url: string | null | undefined, text: string): string {
  if (!url || !/^https?:\/\//i.test(url)) return md(text);
  return `<a href="${md(url)}">${md(text)}</a>`;
}
