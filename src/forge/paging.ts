// Reads every page of a list. Gitea: stops on an empty page or once a reported total is
// covered — never on "fewer than asked", because Gitea clamps page sizes silently.
// GitHub: follows the Link header's rel="next" URL, as Octokit's paginate does.

export interface Page<T> {
  items: T[];
  /** Total rows, when the server says (X-Total-Count, total_count). */
  total?: number;
}

export async function collectPages<T>(fetchPage: (page: number) => Promise<Page<T>>, maxPages: number): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { items: rows, total } = await fetchPage(page);
    if (rows.length === 0) return { items, complete: true };
    items.push(...rows);
    if (total !== undefined && items.length >= total) return { items, complete: true };
  }
  return { items, complete: false };
}

/** The rel="next" URL of an RFC 8288 Link header, if any. */
export function nextLink(header: string | undefined): string | null {
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/.test(m[2] as string)) return m[1] as string;
  }
  return null;
}

/**
 * Follows rel="next" from the first page until a page has none. The first request carries
 * `query`; later ones use the server's URL as given. A next URL off the API's origin (which
 * would get the token) is refused.
 */
export async function followLinks<T>(
  apiUrl: string,
  firstPath: string,
  query: Record<string, string | number>,
  maxPages: number,
  fetchPage: (url: string, query: Record<string, string | number> | undefined) => Promise<{ items: T[]; link: string | undefined }>,
): Promise<{ items: T[]; complete: boolean }> {
  const origin = new URL(apiUrl).origin;
  const items: T[] = [];
  let url = firstPath;
  let q: Record<string, string | number> | undefined = query;
  for (let page = 1; page <= maxPages; page++) {
    const { items: rows, link } = await fetchPage(url, q);
    items.push(...rows);
    const next = nextLink(link);
    if (!next) return { items, complete: true };
    const target = new URL(next, apiUrl);
    if (target.origin !== origin) throw new Error(`the server's next-page link leaves ${origin} (${target.origin}); not followed`);
    url = target.toString();
    q = undefined;
  }
  return { items, complete: false };
}
