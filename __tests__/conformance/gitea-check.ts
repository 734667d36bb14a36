// Checks Gitea traffic against gitea-js 1.23's generated client (the `@request` operations,
// their query parameters and the declared response interfaces, read with the TypeScript
// compiler API), minus what Gitea 1.22 does differently (audit forge-apis B1/S1, S6).
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { Coverage } from './report.js';
import { validatableResponse, type TrafficRecord } from './traffic.js';
import { compileTemplate, matchTemplate, type CompiledTemplate } from './templates.js';

export const GITEA_API_PREFIX = '/api/v1';

/**
 * Fields real Gitea sends that its swagger (and so gitea-js) omits: User.MarshalJSON adds
 * `username` (= login) for backward compatibility (modules/structs/user.go).
 */
export const UNDESCRIBED_FIELDS: Record<string, readonly string[]> = { User: ['username'] };

export interface GiteaOperation {
  name: string;
  method: string;
  template: string;
  query: string[];
  /** The `T` of `Promise<HttpResponse<T, …>>`. */
  response: ts.TypeNode | undefined;
}

export interface GiteaApiDescription {
  operations: GiteaOperation[];
  /** Interface name → property name → declared type. */
  interfaces: Map<string, Map<string, ts.TypeNode | undefined>>;
  /** Type alias name → type (e.g. string-literal unions). */
  aliases: Map<string, ts.TypeNode>;
}

function jsDocRequest(node: ts.Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text === 'request' && typeof tag.comment === 'string') return tag.comment.trim();
  }
  return undefined;
}

/** Reads operations and interfaces from gitea-js's index.d.ts. */
export function parseGiteaDts(source: string): GiteaApiDescription {
  const file = ts.createSourceFile('index.d.ts', source, ts.ScriptTarget.Latest, true);
  const operations: GiteaOperation[] = [];
  const interfaces = new Map<string, Map<string, ts.TypeNode | undefined>>();
  const aliases = new Map<string, ts.TypeNode>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node)) {
      const props = new Map<string, ts.TypeNode | undefined>();
      for (const member of node.members) {
        if (ts.isPropertySignature(member) && member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) props.set(member.name.text, member.type);
      }
      interfaces.set(node.name.text, props);
    } else if (ts.isTypeAliasDeclaration(node)) {
      aliases.set(node.name.text, node.type);
    } else if (ts.isPropertySignature(node) && node.type && ts.isFunctionTypeNode(node.type)) {
      const request = jsDocRequest(node);
      const found = request ? /^([A-Z]+):(\S+)$/.exec(request) : null;
      if (found) {
        const queryParam = node.type.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === 'query');
        const query = queryParam?.type && ts.isTypeLiteralNode(queryParam.type) ? queryParam.type.members.flatMap((m) => (m.name && ts.isIdentifier(m.name) ? [m.name.text] : [])) : [];
        let response: ts.TypeNode | undefined;
        const ret = node.type.type;
        if (ts.isTypeReferenceNode(ret) && ret.typeArguments?.[0] && ts.isTypeReferenceNode(ret.typeArguments[0])) response = ret.typeArguments[0].typeArguments?.[0];
        operations.push({ name: (node.name as ts.Identifier).text, method: found[1] as string, template: found[2] as string, query, response });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { operations, interfaces, aliases };
}

/** The `@request` lines of index.mjs, to prove the .d.ts read saw every operation. */
export function requestLinesOfMjs(source: string): string[] {
  return [...source.matchAll(/@request ([A-Z]+:\S+)/g)].map((m) => m[1] as string);
}

/**
 * Gitea 1.22 differs from gitea-js 1.23 (audit forge-apis): compare takes only branch
 * or tag names (B1: SHAs are 404 before #32801).
 */
export function gitea122RequestProblem(op: GiteaOperation, params: Record<string, string>): string | null {
  if (op.template.endsWith('/compare/{basehead}')) {
    const sides = decodeURIComponent(params.basehead ?? '').split(/\.{2,3}/);
    if (sides.some((side) => /^[0-9a-f]{7,64}$/i.test(side))) return 'compare with a commit SHA: Gitea 1.22 accepts only branch or tag names (404)';
  }
  return null;
}

export class GiteaConformance {
  private readonly compiled: Array<CompiledTemplate<GiteaOperation>>;

  constructor(readonly api: GiteaApiDescription) {
    this.compiled = api.operations.map((op) => compileTemplate(op, op.method, op.template));
  }

  /** Strips everything up to `/api/v1` (Gitea may live under a sub-path, e.g. `/gitea/api/v1`). */
  match(method: string, rawPath: string): { op: GiteaOperation; params: Record<string, string> } | null {
    const prefix = rawPath.indexOf(`${GITEA_API_PREFIX}/`);
    const path = prefix >= 0 ? rawPath.slice(prefix + GITEA_API_PREFIX.length) : rawPath;
    const found = matchTemplate(this.compiled, method, path);
    return found ? { op: found.value, params: found.params } : null;
  }

  /** Fields not declared by the type (recursively), and string values outside literal unions. */
  check(type: ts.TypeNode | undefined, value: unknown, at = ''): string[] {
    if (!type || value === null || value === undefined) return [];
    if (ts.isParenthesizedTypeNode(type)) return this.check(type.type, value, at);
    if (ts.isArrayTypeNode(type)) {
      if (!Array.isArray(value)) return [`${at || '(root)'} is not an array`];
      return [...new Set(value.flatMap((item) => this.check(type.elementType, item, `${at}[]`)))];
    }
    if (ts.isUnionTypeNode(type)) {
      const literals = type.types.filter((t): t is ts.LiteralTypeNode => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal));
      if (literals.length === type.types.length) {
        const allowed = literals.map((l) => (l.literal as ts.StringLiteral).text);
        return typeof value === 'string' && allowed.includes(value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${allowed.join('|')}`];
      }
      return [];
    }
    if (type.kind === ts.SyntaxKind.StringKeyword) return typeof value === 'string' ? [] : [`${at}: ${JSON.stringify(value)} is not a string`];
    if (type.kind === ts.SyntaxKind.NumberKeyword) return typeof value === 'number' ? [] : [`${at}: ${JSON.stringify(value)} is not a number`];
    if (type.kind === ts.SyntaxKind.BooleanKeyword) return typeof value === 'boolean' ? [] : [`${at}: ${JSON.stringify(value)} is not a boolean`];
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
      const name = type.typeName.text;
      const alias = this.api.aliases.get(name);
      if (alias) return this.check(alias, value, at);
      const props = this.api.interfaces.get(name);
      if (!props) return [];
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at || '(root)'} is not an object (${name})`];
      const problems: string[] = [];
      for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const path = at ? `${at}.${key}` : key;
        if (!props.has(key)) {
          if (!UNDESCRIBED_FIELDS[name]?.includes(key)) problems.push(`field ${path} is not in ${name}`);
        } else problems.push(...this.check(props.get(key), fieldValue, path));
      }
      return problems;
    }
    return [];
  }
}

export function loadGiteaDescription(dtsPath: string): GiteaApiDescription {
  return parseGiteaDts(readFileSync(dtsPath, 'utf8'));
}

/** Gitea error answers: APIError {message, url} (or validation errors). */
const ERROR_FIELDS = new Set(['message', 'url', 'errors', 'documentation_url']);

/** Checks one captured request (and its answer) to the Gitea API. */
export function checkGiteaRecord(gitea: GiteaConformance, record: TrafficRecord, coverage: Coverage): void {
  coverage.requests++;
  const example = `${record.method} ${record.path}${Object.keys(record.query).length ? `?${new URLSearchParams(record.query)}` : ''}`;
  const found = gitea.match(record.method, record.path);
  if (!found) {
    coverage.violate(`${record.method} ${record.path}`, 'no gitea-js @request operation has this verb and path', example);
    return;
  }
  const { op, params } = found;
  const name = `${op.name} (${op.method} ${op.template})`;
  coverage.operations.add(name);
  for (const key of Object.keys(record.query)) {
    if (!op.query.includes(key)) coverage.violate(name, `query parameter ${key} is not declared by the operation`, example);
  }
  const problem = gitea122RequestProblem(op, params);
  if (problem) coverage.violate(name, problem, example);
  if (record.authScheme !== undefined && !['token', 'Bearer', 'bearer'].includes(record.authScheme)) coverage.violate(name, `Authorization scheme ${record.authScheme}`, example);
  if (!validatableResponse(record)) return;
  coverage.responsesValidated++;
  if (record.status >= 400) {
    const body = record.response as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || typeof body.message !== 'string') coverage.violate(name, `HTTP ${record.status} answer without a message (APIError)`, example);
    else for (const key of Object.keys(body)) if (!ERROR_FIELDS.has(key)) coverage.violate(name, `HTTP ${record.status} answer field ${key} is not in APIError`, example);
    return;
  }
  for (const p of gitea.check(op.response, record.response)) coverage.violate(name, `HTTP ${record.status} answer: ${p}`, example);
}
