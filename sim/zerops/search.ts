// The ES-style search body the Zerops search endpoints take:
// {search: [{name, operator, value}], sort: [{name, ascending}], limit, offset}.
import { badRequest } from './errors.js';

export type FieldValue = string | number | null;
export type FieldMap<T> = Record<string, (item: T) => FieldValue>;

export interface SearchFilter {
  name: string;
  operator: 'eq' | 'ne' | 'in';
  values: string[];
}

export interface SearchQuery {
  filters: SearchFilter[];
  sort: Array<{ name: string; ascending: boolean }>;
  limit: number;
  offset: number;
}

const OPERATORS = new Set(['eq', 'ne', 'in']);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function valuesOf(operator: string, value: unknown): string[] {
  if (operator === 'in') {
    if (Array.isArray(value)) return value.map(String);
    return String(value ?? '').split(',').filter(Boolean);
  }
  return [value === null || value === undefined ? '' : String(value)];
}

/** Validates a search body against the fields the entity supports; 400 on anything unknown. */
export function parseSearch<T>(body: unknown, fields: FieldMap<T>, maxLimit: number): SearchQuery {
  const raw = isRecord(body) ? body : {};
  const unknownField = (name: unknown): never => {
    throw badRequest('searchFieldNotSupported', `cannot search or sort by ${JSON.stringify(name)}; supported: ${Object.keys(fields).join(', ')}`, { field: name });
  };
  const filters = (Array.isArray(raw.search) ? raw.search : []).map((item): SearchFilter => {
    if (!isRecord(item) || typeof item.name !== 'string') throw badRequest('invalidUserInput', 'search items need {name, operator, value}', null);
    if (!(item.name in fields)) unknownField(item.name);
    const operator = String(item.operator ?? 'eq');
    if (!OPERATORS.has(operator)) throw badRequest('searchOperatorNotSupported', `operator ${operator} is not supported (eq, ne, in)`, { operator });
    return { name: item.name, operator: operator as SearchFilter['operator'], values: valuesOf(operator, item.value) };
  });
  const sort = (Array.isArray(raw.sort) ? raw.sort : []).map((item) => {
    if (!isRecord(item) || typeof item.name !== 'string') throw badRequest('invalidUserInput', 'sort items need {name, ascending}', null);
    if (!(item.name in fields)) unknownField(item.name);
    return { name: item.name, ascending: item.ascending !== false };
  });
  const limit = typeof raw.limit === 'number' && raw.limit > 0 ? Math.min(raw.limit, maxLimit) : maxLimit;
  const offset = typeof raw.offset === 'number' && raw.offset > 0 ? raw.offset : 0;
  return { filters, sort, limit, offset };
}

/** The value of an `eq` filter on field, used to narrow candidates through an index. */
export function eqFilterValue(query: SearchQuery, field: string): string | undefined {
  return query.filters.find((filter) => filter.name === field && filter.operator === 'eq')?.values[0];
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
      if (filter.operator === 'ne') return value !== filter.values[0];
      return filter.values.includes(value);
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
