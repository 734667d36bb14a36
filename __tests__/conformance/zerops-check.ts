// Checks Zerops traffic against the table extracted from the generated Go SDK
// (zerops-sdk.json): operation (verb + path template), query parameters, body fields,
// response fields (recursively) and enum values; plus the client's declared reads.
import { readFileSync } from 'node:fs';
import type { Coverage } from './report.js';
import type { TrafficRecord } from './traffic.js';
import { compileTemplate, matchTemplate, type CompiledTemplate } from './templates.js';

export interface SdkOperation {
  name: string;
  method: string;
  path: string;
  queryParams: string[];
  bodyDto: string | null;
  rawBody: boolean;
  response: string;
}

export interface ZeropsSdk {
  basePath: string;
  enums: Record<string, string[]>;
  operations: SdkOperation[];
  /** `output.X` / `body.X` / … → field → Go type as written in the SDK. */
  types: Record<string, Record<string, string>>;
}

/**
 * Slice types the table does not list (`type X []Y` in the SDK's dto packages) → element type.
 * Read from zeropsio/zerops-go dto/output and dto/input/body.
 */
export const SLICE_ELEMENTS: Record<string, string> = {
  AppVersionListList: 'GetAppVersion',
  ProcessListList: 'Process',
  ServiceStackListList: 'ServiceStack',
  ProcessServiceStacks: 'ServiceStackLightJsonObject',
  EsProjectResponseItems: 'EsProject',
  EsAppVersionResponseItems: 'EsAppVersion',
  EsServiceStackResponseItems: 'EsServiceStack',
  EsProcessResponseItems: 'EsProcess',
  GetAppVersionUserDataList: 'AppVersionUserData',
  PostAppVersionUserDataList: 'AppVersionUserData',
  UserAuthorizeClientUserList: 'ClientUserExtraWithClientLight',
  EsFilterSearch: 'EsSearchItem',
  EsFilterSort: 'EsSortItem',
};

export function loadZeropsSdk(path: string): ZeropsSdk {
  return JSON.parse(readFileSync(path, 'utf8')) as ZeropsSdk;
}

const compiledCache = new WeakMap<ZeropsSdk, Array<CompiledTemplate<SdkOperation>>>();

/** The SDK operation for a request; the most literal template wins (`/project/search` over `/project/{id}`). */
export function matchZeropsOperation(sdk: ZeropsSdk, method: string, path: string): SdkOperation | null {
  let compiled = compiledCache.get(sdk);
  if (!compiled) {
    compiled = sdk.operations.map((op) => compileTemplate(op, op.method, op.path));
    compiledCache.set(sdk, compiled);
  }
  return matchTemplate(compiled, method, path)?.value ?? null;
}

export const operationLabel = (op: SdkOperation, sdk: ZeropsSdk): string => `${op.name} (${op.method} ${op.path.slice(sdk.basePath.length)})`;

type Problems = string[];

export interface DtoCheckOptions {
  /** Request bodies: the non-nullable fields must be present. */
  required?: boolean;
  /** Collects slice types the table does not resolve (not descended into). */
  unresolved?: Set<string>;
  /** Response fields the real API sends beyond the SDK DTO, declared by the client with evidence (type key → fields). */
  undeclared?: Readonly<Record<string, readonly string[]>>;
}

/** A type reference as written in a DTO (`*GetAppVersion`, `enum.ProcessStatusEnum`, `types.StringNull`). */
function describeScalarMismatch(goType: string, value: unknown): string | null {
  const nullable = goType.startsWith('*') || goType.endsWith('Null');
  if (value === null) return nullable ? null : `null for non-nullable ${goType}`;
  const base = goType.replace(/^\*/, '');
  const kind = base.replace(/Null$/, '');
  const expect = (ok: boolean, what: string): string | null => (ok ? null : `${JSON.stringify(value)} is not ${what} (${goType})`);
  if (/^types\.(String|Text|MediumText|Email|EmptyString)$/.test(kind) || /^(uuid|stringId)\./.test(kind)) return expect(typeof value === 'string', 'a string');
  if (kind === 'types.Int' || kind === 'types.Float') return expect(typeof value === 'number', 'a number');
  if (kind === 'types.Bool') return expect(typeof value === 'boolean', 'a boolean');
  if (kind === 'types.DateTime') return expect(typeof value === 'string' && !Number.isNaN(Date.parse(value)), 'an RFC 3339 date-time');
  if (kind === 'types.Map') return expect(typeof value === 'object' && !Array.isArray(value), 'an object');
  if (kind === 'types.StringArray') return expect(Array.isArray(value) && value.every((v) => typeof v === 'string'), 'an array of strings');
  return null;
}

/** Resolves a field type within a DTO package (`output` / `body`): a DTO, a slice of DTOs, or null (scalar/unknown). */
function dtoOf(sdk: ZeropsSdk, pkg: string, goType: string): { key: string; slice: boolean } | { unresolved: string } | null {
  const bare = goType.replace(/^\*/, '').replace(/^\[\]/, '');
  if (/^(types|uuid|stringId|enum)\./.test(bare)) return null;
  if (sdk.types[`${pkg}.${bare}`]) return { key: `${pkg}.${bare}`, slice: goType.includes('[]') };
  const element = SLICE_ELEMENTS[bare];
  if (element && sdk.types[`${pkg}.${element}`]) return { key: `${pkg}.${element}`, slice: true };
  return { unresolved: `${pkg}.${bare}` };
}

/**
 * Every field of value must be declared by the DTO (recursively), scalars must have the
 * declared JSON kind, enum values must be real. `required` also demands the non-nullable
 * fields (request bodies: the SDK's UnmarshalJSON refuses them missing).
 */
export function checkDto(sdk: ZeropsSdk, typeKey: string, value: unknown, options: DtoCheckOptions = {}, at = ''): Problems {
  const fields = sdk.types[typeKey];
  if (!fields) return [`${typeKey} is not in the SDK table`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at || 'body'} is not an object (${typeKey})`];
  const pkg = typeKey.split('.')[0] as string;
  const problems: Problems = [];
  const record = value as Record<string, unknown>;
  for (const [name, fieldValue] of Object.entries(record)) {
    const path = at ? `${at}.${name}` : name;
    const goType = fields[name];
    if (goType === undefined) {
      if (!options.undeclared?.[typeKey]?.includes(name)) problems.push(`field ${path} is not in ${typeKey}`);
      continue;
    }
    problems.push(...checkValue(sdk, pkg, goType, fieldValue, options, path));
  }
  if (options.required) {
    for (const [name, goType] of Object.entries(fields)) {
      const optional = goType.startsWith('*') || goType.endsWith('Null');
      if (!optional && !(name in record)) problems.push(`required field ${at ? `${at}.` : ''}${name} (${goType}) is missing from ${typeKey}`);
    }
  }
  return problems;
}

function checkValue(sdk: ZeropsSdk, pkg: string, goType: string, value: unknown, options: DtoCheckOptions, path: string): Problems {
  if (value === null) {
    const problem = describeScalarMismatch(goType, null);
    return problem ? [`${path}: ${problem}`] : [];
  }
  const enumMatch = /^\*?enum\.(\w+)$/.exec(goType);
  if (enumMatch) {
    const values = sdk.enums[enumMatch[1] as string];
    if (!values) return [];
    return typeof value === 'string' && values.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} is not a ${enumMatch[1]} value`];
  }
  const dto = dtoOf(sdk, pkg, goType);
  if (dto === null) {
    const problem = describeScalarMismatch(goType, value);
    return problem ? [`${path}: ${problem}`] : [];
  }
  if ('unresolved' in dto) {
    options.unresolved?.add(dto.unresolved);
    return [];
  }
  if (dto.slice) {
    if (!Array.isArray(value)) return [`${path}: not an array of ${dto.key}`];
    return value.flatMap((item, i) => checkDto(sdk, dto.key, item, options, `${path}[${i}]`)).map((p) => p.replace(/\[\d+\]/g, '[]'));
  }
  return checkDto(sdk, dto.key, value, options, path);
}

/** The error envelope of apiError.Error: {error: {code, message, meta?}}. */
export function checkErrorEnvelope(value: unknown): Problems {
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return ['error answer without the {error: {code, message}} envelope'];
  const { code, message, ...rest } = error as Record<string, unknown>;
  const problems: Problems = [];
  if (typeof code !== 'string') problems.push('error.code is not a string');
  if (typeof message !== 'string') problems.push('error.message is not a string');
  for (const key of Object.keys(rest)) if (key !== 'meta') problems.push(`error.${key} is not in apiError.Error`);
  return problems;
}

/** Checks one captured request (and its answer) to the Zerops API. */
export function checkZeropsRecord(sdk: ZeropsSdk, record: TrafficRecord, coverage: Coverage, options: { unresolved: Set<string>; undeclared?: DtoCheckOptions['undeclared'] }): void {
  const { unresolved, undeclared } = options;
  coverage.requests++;
  const example = `${record.method} ${record.path}`;
  const op = matchZeropsOperation(sdk, record.method, record.path);
  if (!op) {
    coverage.violate(`${record.method} ${record.path.replace(/[A-Za-z0-9_-]{16,}/g, '{id}')}`, 'no SDK operation has this verb and path', example);
    return;
  }
  const label = operationLabel(op, sdk);
  coverage.operations.add(label);
  for (const name of Object.keys(record.query)) {
    if (!op.queryParams.includes(name)) coverage.violate(label, `query parameter ${name} is not in the SDK's query DTO`, example);
  }
  const contentType = record.headers['content-type'];
  // The SDK sends every body as JSON with Content-Type application/json.
  if (contentType !== undefined && !op.rawBody && !contentType.includes('json')) coverage.violate(label, `request body sent as ${contentType}, the SDK sends application/json`, example);
  if (record.body !== undefined && contentType === undefined) coverage.violate(label, 'JSON body sent without Content-Type; the SDK sends application/json', example);
  if (record.authScheme !== undefined && record.authScheme !== 'Bearer') coverage.violate(label, `Authorization scheme ${record.authScheme}; the SDK sends Bearer`, example);
  if (op.bodyDto) {
    if (record.body === undefined) {
      if (record.headers['content-length'] === '0' || record.headers['content-length'] === undefined) coverage.violate(label, `no JSON body; the SDK sends body.${op.bodyDto}`, example);
    } else {
      for (const problem of checkDto(sdk, `body.${op.bodyDto}`, record.body, { required: true, unresolved })) coverage.violate(label, `request ${problem}`, example);
    }
  } else if (record.body !== undefined && !(typeof record.body === 'object' && record.body !== null && Object.keys(record.body).length === 0)) {
    coverage.violate(label, 'request carries a body, the SDK operation takes none', example);
  } else if (record.body === undefined && !op.rawBody && (op.method === 'PUT' || op.method === 'POST')) {
    // sdkBase.Put/Post send struct{}{}: `{}` as JSON even when the operation takes no DTO (audit F9).
    coverage.violate(label, 'no body; the SDK sends {} as JSON', example);
  }
  if (record.status === 0 || record.fault || record.response === undefined) return;
  coverage.responsesValidated++;
  if (record.status >= 400) {
    for (const problem of checkErrorEnvelope(record.response)) coverage.violate(label, `HTTP ${record.status} answer: ${problem}`, example);
    return;
  }
  for (const problem of checkDto(sdk, `output.${op.response}`, record.response, { unresolved, undeclared })) coverage.violate(label, `response ${problem}`, example);
}

/** The storage upload (PUT uploadUrl) is no SDK operation: zcli sends the bytes with no Content-Type and no Authorization. */
export function checkUploadRecord(record: TrafficRecord, coverage: Coverage): void {
  coverage.requests++;
  const label = 'PUT <uploadUrl> (zcli packageStream)';
  coverage.operations.add(label);
  const example = `${record.method} ${record.path}`;
  if (record.method !== 'PUT') coverage.violate(label, `sent as ${record.method}; zcli PUTs`, example);
  if (record.authScheme !== undefined) coverage.violate(label, 'carries an Authorization header; zcli sends none (the URL is the credential)', example);
  if (record.headers['content-type'] !== undefined) coverage.violate(label, `sends Content-Type ${record.headers['content-type']}; zcli sends none`, example);
}

/** Field paths (dotted) the client reads, each declared by the named SDK type. */
export function checkReads(sdk: ZeropsSdk, reads: Record<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const [typeKey, fields] of Object.entries(reads)) {
    if (!sdk.types[typeKey]) {
      problems.push(`${typeKey} is not a type in the SDK table`);
      continue;
    }
    for (const field of fields) {
      let current = typeKey;
      const parts = field.split('.');
      for (const [i, part] of parts.entries()) {
        const goType = sdk.types[current]?.[part];
        if (goType === undefined) {
          problems.push(`${typeKey} has no field ${parts.slice(0, i + 1).join('.')}`);
          break;
        }
        if (i === parts.length - 1) break;
        const next = dtoOf(sdk, current.split('.')[0] as string, goType);
        if (!next || 'unresolved' in next) {
          problems.push(`${typeKey}.${parts.slice(0, i + 1).join('.')} (${goType}) has no fields the table describes`);
          break;
        }
        current = next.key;
      }
    }
  }
  return problems;
}

/** Every value the client compares against must be a member of the named SDK enum. */
export function checkEnumValues(sdk: ZeropsSdk, values: Record<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const [name, used] of Object.entries(values)) {
    const real = sdk.enums[name];
    if (!real) {
      problems.push(`${name} is not an enum in the SDK table`);
      continue;
    }
    for (const value of used) if (!real.includes(value)) problems.push(`${value} is not a ${name} value (real: ${real.join(', ')})`);
  }
  return problems;
}
