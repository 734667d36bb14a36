// Checks GitHub traffic against @octokit/openapi's description of api.github.com: the
// operation (verb + path template), declared path and query parameters, request bodies
// and every simulator answer validated by ajv against the operation's response schema.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Coverage } from './report.js';
import { validatableResponse, type TrafficRecord } from './traffic.js';
import { compileTemplate, matchTemplate, type CompiledTemplate } from './templates.js';

type Json = Record<string, any>;

export interface GithubSpec {
  paths: Record<string, Record<string, Json>>;
  components: Json;
  servers?: Array<{ url: string }>;
}

export interface GithubOperation {
  operationId: string;
  method: string;
  template: string;
  operation: Json;
  /** Path-level and operation-level parameters, $refs resolved. */
  parameters: Json[];
}

/** The REST API version the client pins; docs.github.com "API versions" lists 2022-11-28 as supported. */
export const SUPPORTED_API_VERSIONS = ['2022-11-28'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];
/** Formats the spec uses that ajv-formats does not define: annotations only. */
const ANNOTATION_FORMATS = ['repo.nwo', 'binary', 'timestamp'];
const SPEC_ID = 'https://api.github.com/openapi.json';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export function loadGithubSpec(path: string): GithubSpec {
  return JSON.parse(readFileSync(path, 'utf8')) as GithubSpec;
}

/**
 * OpenAPI 3.0 `nullable: true` → JSON Schema: `type: [t, 'null']` (and null in an enum),
 * or `anyOf: [schema, {type: 'null'}]` when there is no type (allOf/$ref forms). In place.
 */
export function convertNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) convertNullable(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  for (const value of Object.values(schema)) convertNullable(value);
  if (schema.nullable !== true) return;
  delete schema.nullable;
  if (schema.type !== undefined) {
    schema.type = Array.isArray(schema.type) ? [...new Set([...schema.type, 'null'])] : [schema.type, 'null'];
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
    return;
  }
  const rest = { ...schema };
  for (const key of Object.keys(schema)) delete schema[key];
  schema.anyOf = [rest, { type: 'null' }];
}

/** Rewrites local `#/components/...` refs to the registered spec document. In place. */
function rebaseRefs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(rebaseRefs);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) schema.$ref = `${SPEC_ID}${schema.$ref}`;
  for (const value of Object.values(schema)) rebaseRefs(value);
}

/** The spec loaded once, operations matched by template, schemas compiled lazily per operation and status. */
export class GithubConformance {
  private readonly compiled: Array<CompiledTemplate<GithubOperation>> = [];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction | null>();
  readonly mediaTypes: Set<string>;
  private readonly basePath: string;

  constructor(private readonly spec: GithubSpec) {
    convertNullable(spec.components);
    rebaseRefs(spec.components);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const format of ANNOTATION_FORMATS) this.ajv.addFormat(format, true);
    // The description's own default for uri fields is "" (deployment-status environment_url, log_url): "" must pass.
    const uri = this.ajv.formats.uri;
    if (typeof uri === 'function') this.ajv.addFormat('uri', (value: string) => value === '' || uri(value));
    this.ajv.addSchema({ $id: SPEC_ID, components: spec.components });
    this.basePath = new URL(spec.servers?.[0]?.url ?? 'https://api.github.com').pathname.replace(/\/$/, '');
    const text = JSON.stringify(spec.paths);
    // The documented default and plain JSON, plus every custom media type the description names.
    this.mediaTypes = new Set(['application/vnd.github+json', 'application/json', ...(text.match(/application\/vnd\.github[\w.+-]*/g) ?? [])]);
    for (const [template, item] of Object.entries(spec.paths)) {
      const shared = (item.parameters as Json[] | undefined) ?? [];
      for (const method of HTTP_METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        const parameters = [...shared, ...((operation.parameters as Json[] | undefined) ?? [])].map((p) => this.deref(p));
        const op = { operationId: operation.operationId as string, method: method.toUpperCase(), template, operation, parameters };
        this.compiled.push(compileTemplate(op, op.method, template));
      }
    }
  }

  /** Resolves a `#/components/...` (or rebased) reference. */
  deref(node: Json): Json {
    let current = node;
    for (let hops = 0; typeof current?.$ref === 'string' && hops < 10; hops++) {
      const pointer = (current.$ref as string).replace(SPEC_ID, '').replace(/^#\//, '').split('/');
      current = pointer.reduce<any>((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.spec);
    }
    return current;
  }

  /**
   * The operation for a request; the most literal template wins (`/branches` over `/{ref}`).
   * `/repositories/{id}/…` (the form GitHub's Link headers use, absent from the description)
   * is matched as `/repos/{owner}/{repo}/…` and reported with `viaRepositoryId`.
   */
  match(method: string, rawPath: string): { op: GithubOperation; params: Record<string, string>; viaRepositoryId?: true } | null {
    const path = this.basePath && rawPath.startsWith(this.basePath) ? rawPath.slice(this.basePath.length) : rawPath;
    const direct = this.matchPath(method, path);
    if (direct) return direct;
    const alias = /^\/repositories\/\d+(\/.*)?$/.exec(path);
    const viaAlias = alias ? this.matchPath(method, `/repos/{owner}/{repo}${alias[1] ?? ''}`) : null;
    return viaAlias ? { ...viaAlias, viaRepositoryId: true } : null;
  }

  private matchPath(method: string, path: string): { op: GithubOperation; params: Record<string, string> } | null {
    const found = matchTemplate(this.compiled, method, path);
    return found ? { op: found.value, params: found.params } : null;
  }

  /** Compiles (once) the validator of a schema inside the operation; null when it declares none. */
  validator(key: string, schema: Json | undefined): ValidateFunction | null {
    if (this.validators.has(key)) return this.validators.get(key) as ValidateFunction | null;
    let validate: ValidateFunction | null = null;
    if (schema) {
      const copy = structuredClone(schema);
      convertNullable(copy);
      rebaseRefs(copy);
      validate = this.ajv.compile(copy);
    }
    this.validators.set(key, validate);
    return validate;
  }

  /** The JSON schema of the answer for a status: declared, or undefined with `declared: false`. */
  responseSchema(op: GithubOperation, status: number): { declared: boolean; schema: Json | undefined } {
    const responses = op.operation.responses as Json;
    const response = responses[String(status)] ?? responses.default;
    if (!response) return { declared: false, schema: undefined };
    const resolved = this.deref(response);
    return { declared: true, schema: resolved.content?.['application/json']?.schema };
  }

  basicErrorSchema(): Json {
    return { $ref: '#/components/schemas/basic-error' };
  }
}

export const label = (op: GithubOperation): string => `${op.operationId} (${op.method} ${op.template})`;

/** ajv errors without per-item indexes, so one problem in many list items groups as one. */
export function describeErrors(validate: ValidateFunction): string {
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const where = error.instancePath.replace(/\/\d+(?=\/|$)/g, '/[]') || '(root)';
    seen.add(`${where} ${error.message ?? error.keyword}${error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''}`);
    if (seen.size >= 5) break;
  }
  return [...seen].join('; ');
}

/** Checks one captured request (and its answer) to the GitHub API. */
export function checkGithubRecord(spec: GithubConformance, record: TrafficRecord, coverage: Coverage): void {
  coverage.requests++;
  const example = `${record.method} ${record.path}${Object.keys(record.query).length ? `?${new URLSearchParams(record.query)}` : ''}`;
  const found = spec.match(record.method, record.path);
  if (!found) {
    coverage.violate(`${record.method} ${record.path}`, 'no operation in the GitHub OpenAPI description has this verb and path', example);
    return;
  }
  const { op, params } = found;
  const name = label(op);
  coverage.operations.add(name);
  if (found.viaRepositoryId) {
    coverage.notes.add(`${name} requested as /repositories/{id}/… (GitHub's Link-header form), checked as /repos/{owner}/{repo}/…`);
    delete params.owner;
    delete params.repo;
  }
  for (const [param, raw] of Object.entries(params)) {
    const declared = op.parameters.find((p) => p.in === 'path' && p.name === param);
    if (!declared) {
      coverage.violate(name, `path parameter ${param} is not declared by the operation`, example);
      continue;
    }
    const schema = declared.schema as Json | undefined;
    const value = decodeURIComponent(raw);
    const typed = schema?.type === 'integer' || schema?.type === 'number' ? Number(value) : value;
    const validate = spec.validator(`${name} path ${param}`, schema);
    if (validate && !validate(typed)) coverage.violate(name, `path parameter ${param}: ${describeErrors(validate)}`, example);
  }
  const queryNames = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name as string));
  for (const key of Object.keys(record.query)) {
    if (!queryNames.has(key)) coverage.violate(name, `query parameter ${key} is not declared by the operation`, example);
  }
  for (const parameter of op.parameters.filter((p) => p.in === 'query' && p.schema)) {
    const value = record.query[parameter.name as string];
    if (value === undefined) continue;
    const schema = parameter.schema as Json;
    const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
    const validate = spec.validator(`${name} query ${parameter.name}`, schema);
    if (validate && !validate(typed)) coverage.violate(name, `query parameter ${parameter.name}=${value}: ${describeErrors(validate)}`, example);
  }
  const accept = record.headers.accept;
  if (accept !== undefined) {
    for (const type of accept.split(',').map((t) => t.split(';')[0]?.trim() ?? '')) {
      if (type && !spec.mediaTypes.has(type)) coverage.violate(name, `Accept ${type} is not a media type the REST API documents`, example);
    }
  } else coverage.violate(name, 'no Accept header (GitHub recommends application/vnd.github+json)', example);
  const version = record.headers['x-github-api-version'];
  if (version !== undefined && !SUPPORTED_API_VERSIONS.includes(version)) coverage.violate(name, `X-GitHub-Api-Version ${version} is not a supported version`, example);
  const requestSchema = (op.operation.requestBody ? spec.deref(op.operation.requestBody as Json) : undefined)?.content?.['application/json']?.schema as Json | undefined;
  if (record.body !== undefined) {
    const validate = spec.validator(`${name} request`, requestSchema);
    if (!validate) coverage.violate(name, 'sends a JSON body; the operation takes none', example);
    else if (!validate(record.body)) coverage.violate(name, `request body: ${describeErrors(validate)}`, example);
  } else if ((op.operation.requestBody as Json | undefined)?.required) coverage.violate(name, 'no request body; the operation requires one', example);

  if (!validatableResponse(record)) return;
  const { declared, schema } = spec.responseSchema(op, record.status);
  if (!declared && record.status < 400) {
    coverage.violate(name, `answers HTTP ${record.status}, which the operation does not declare`, example);
    return;
  }
  if (!declared) coverage.notes.add(`${name} answered HTTP ${record.status} (undeclared; validated as basic-error)`);
  const key = declared ? `${name} ${record.status}` : 'basic-error';
  const validate = spec.validator(key, declared ? schema : spec.basicErrorSchema());
  if (!validate) {
    coverage.violate(name, `HTTP ${record.status} answer has a JSON body; the description declares none`, example);
    return;
  }
  coverage.responsesValidated++;
  if (!validate(record.response)) coverage.violate(name, `HTTP ${record.status} answer: ${describeErrors(validate)}`, example);
}
