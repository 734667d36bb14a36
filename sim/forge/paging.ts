// Page-number pagination as both forges do it: a page size parameter (GitHub per_page,
// Gitea limit) silently clamped to a maximum, and an RFC 8288 Link header.
import { intParam } from '../http.js';

export interface PageRequest {
  page: number;
  size: number;
}

export interface PagingRules {
  sizeParam: 'per_page' | 'limit';
  defaultSize: number;
  maxSize: number;
}

export function readPage(query: Record<string, string>, rules: PagingRules): PageRequest {
  const page = Math.max(1, intParam(query, 'page', 1));
  const requested = intParam(query, rules.sizeParam, rules.defaultSize);
  const size = requested > 0 ? Math.min(requested, rules.maxSize) : Math.min(rules.defaultSize, rules.maxSize);
  return { page, size };
}

export function slicePage<T>(items: readonly T[], page: PageRequest): T[] {
  const start = (page.page - 1) * page.size;
  return items.slice(start, start + page.size);
}

/** Link header with first/prev/next/last as applicable; undefined for a single page. */
export function linkHeader(baseUrl: string, path: string, query: Record<string, string>, rules: PagingRules, page: PageRequest, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / page.size));
  if (last === 1 && page.page === 1) return undefined;
  const link = (target: number, rel: string): string => {
    const params = new URLSearchParams({ ...query, page: String(target), [rules.sizeParam]: String(page.size) });
    return `<${baseUrl}${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.page < last) links.push(link(page.page + 1, 'next'), link(last, 'last'));
  if (page.page > 1) links.push(link(1, 'first'), link(Math.min(page.page - 1, last), 'prev'));
  return links.join(', ');
}

/** Pagination response headers: Link (and X-Total-Count where the forge sends it). */
export function pageHeaders(
  baseUrl: string,
  path: string,
  query: Record<string, string>,
  rules: PagingRules,
  page: PageRequest,
  total: number,
  withTotalCount: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const link = linkHeader(baseUrl, path, query, rules, page, total);
  if (link) headers.link = link;
  if (withTotalCount) headers['x-total-count'] = String(total);
  return headers;
}
