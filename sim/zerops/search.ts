// The ES-style search body the Zerops search endpoints take:
// {search: [{name, operator, value}], sort: [{name, ascending}], limit, offset}.
import { badRequest } from './errors.js';

export type FieldValue = string | number | null;
export type FieldMap<T> = Record<string, (item: T) => FieldValue>;

export interface SearchFilter {
  name: string;
  operator: 'eq' | 'ne';
  value: string;
}

export interface SearchQuery {
  filters: SearchFilter[];
  sort: Array<{ name: string; ascending: boolean }>;
  limit: number;
  offset: number;
}

// zcli and zcp use only these; the real list is unknown, so nothing else is accepted.
const OPERATORS = new Set(['eq', 'ne']);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates an `EsFilter` body like the SDK's DTO: `search` and `sort` required, each
 * search item a {name, operator, value} of strings; fields the entity lacks are refused.
 */
export function parseSearch<T>(body: unknown, fields: FieldMap<T>, maxLimit: number): SearchQuery {
  if (!isRecord(body)) throw badRequest('invalidUserInput', 'the search body must be a JSON object', null);
  for (const required of ['search', 'sort'] as const) {
    if (!Array.isArray(body[required])) throw badRequest('invalidUserInput', `${required}: field is required (an array)`, { parameter: required });
  }
  const unknownField = (name: unknown): never => {
    throw badRequest('invalidUserInput', `cannot search or sort by ${JSON.stringify(name)}; supported: ${Object.keys(fields).join(', ')}`, { parameter: name });
  };
  const filters = (body.search as unknown[]).map((item): SearchFilter => {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.operator !== 'string' || typeof item.value !== 'string') {
      throw badRequest('invalidUserInput', 'search items need {name, operator, value}, all strings', { parameter: 'search' });
    }
    if (!(item.name in fields)) unknownField(item.name);
    if (!OPERATORS.has(item.operator)) throw badRequest('invalidUserInput', `operator ${item.operator} is not supported (eq, ne)`, { parameter: 'operator' });
    return { name: item.name, operator: item.operator as SearchFilter['operator'], value: item.value };
  });
  const sort = (body.sort as unknown[]).map((item) => {
    if (!isRecord(item) || typeof item.name !== 'string') throw badRequest('invalidUserInput', 'sort items need {name, ascending}', { parameter: 'sort' });
    if (!(item.name in fields)) unknownField(item.name);
    return { name: item.name, ascending: item.ascending !== false };
  });
  const limit = typeof body.limit === 'number' && body.limit > 0 ? Math.min(body.limit, maxLimit) : maxLimit;
  const offset = typeof body.offset === 'number' && body.offset > 0 ? body.offset : 0;
  return { filters, sort, limit, offset };
}

/** The value of an `eq` filter on field, used to narrow candidates through an index. */
export function eqFilterValue(query: SearchQuery, field: string): string | undefined {
  return query.filters.find((filter) => filter.name === field && filter.operator === 'eq')?.value;
}

function compare(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Filters, sorts (default: newest first) and pages. */
export function runSearch<T>(candidates: Iterable<T>, query: SearchQuery, fields: FieldMap<T>, ordinal: (item: T) => number): { items: T[]; totalHits: number } {
  const matches: T[] = [];
  for (const item of candidates) {
    const keep = query.filters.every((filter) => {
      const getter = fields[filter.name];
      const raw = getter ? getter(item) : null;
      const value = raw === null ? '' : String(raw);
      return filter.operator === 'ne' ? value !== filter.value : value === filter.value;
    });
    if (keep) matches.push(item);
  }
  matches.sort((a, b) => {
    for (const { name, ascending } of query.sort) {
      const getter = fields[name];
      if (!getter) continue;
      const order = compare(getter(a), getter(b));
      if (order !== 0) return ascending ? order : -order;
    }
    return ordinal(b) - ordinal(a);
  });
  return { items: matches.slice(query.offset, query.offset + query.limit), totalHits: matches.length };
}
