// Wire shapes of Zerops objects, with the SDK's field names.
import type { Process, Project, Service, Token, Version, ZeropsState } from './model.js';

export function projectWire(project: Project, state: ZeropsState): Record<string, unknown> {
  return {
    id: project.id,
    clientId: state.clientId,
    name: project.name,
    description: null,
    status: project.status,
    tagList: [],
    created: project.created,
    lastUpdate: project.created,
  };
}

/** The fields every app-version DTO of the SDK shares (GetAppVersion, PostAppVersion, EsAppVersion). */
function versionCore(version: Version, state: ZeropsState): Record<string, unknown> {
  return {
    id: version.id,
    clientId: state.clientId,
    projectId: version.service.project.id,
    serviceStackId: version.service.id,
    sequence: version.sequence,
    status: version.status,
    created: version.created,
    lastUpdate: version.lastUpdate,
  };
}

/**
 * A GetAppVersion (GET, list, activeAppVersion) — no `name` unless the scenario asks for
 * the old, unreal shape; `userDataList` per the scenario.
 */
export function versionWire(version: Version, state: ZeropsState, includeName = !state.options.omitVersionNames): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    ...versionCore(version, state),
    source: 'CLI',
    activationDate: version.activationDate,
    build: version.build ? { ...version.build } : null,
    userDataList: userDataWire(version, state),
    githubIntegration: null,
    gitlabIntegration: null,
  };
  if (includeName) wire.name = version.name;
  return wire;
}

/** A PostAppVersion (the create answer): no `name`, no integrations, with `uploadUrl`. */
export function createdVersionWire(version: Version, state: ZeropsState, uploadUrl: string): Record<string, unknown> {
  return {
    ...versionCore(version, state),
    build: null,
    userDataList: userDataWire(version, state),
    uploadUrl,
  };
}

/** An `app-version/search` item (SDK EsAppVersion), plus the `name` the index shows (zcp, live). */
export function searchedVersionWire(version: Version, state: ZeropsState): Record<string, unknown> {
  return {
    ...versionCore(version, state),
    source: 'CLI',
    build: version.build ? { ...version.build } : null,
    githubIntegration: null,
    userData: userDataWire(version, state),
    name: version.name,
  };
}

/** A process's embedded AppVersionJsonObject: `name` declared by the SDK, filled per the scenario. */
function embeddedVersionWire(version: Version, state: ZeropsState): Record<string, unknown> {
  return {
    id: version.id,
    projectId: version.service.project.id,
    serviceStackId: version.service.id,
    source: 'CLI',
    sequence: version.sequence,
    status: version.status,
    created: version.created,
    activationDate: version.activationDate,
    build: version.build ? { ...version.build } : null,
    name: state.options.processVersionNames ? version.name : null,
    githubIntegration: null,
    gitlabIntegration: null,
  };
}

function userDataWire(version: Version, state: ZeropsState): Array<Record<string, unknown>> {
  return state.options.userDataList ? version.userData.map((entry) => ({ ...entry })) : [];
}

/** A ServiceStack; the embedded active version is a GetAppVersion. */
export function serviceWire(service: Service, state: ZeropsState): Record<string, unknown> {
  return {
    id: service.id,
    projectId: service.project.id,
    name: service.hostname,
    status: service.status,
    mode: service.mode,
    subdomainAccess: service.subdomainAccess,
    customAutoscaling: service.horizontalAutoscaling
      ? { horizontalAutoscaling: { minContainerCount: service.horizontalAutoscaling.minContainers, maxContainerCount: service.horizontalAutoscaling.maxContainers }, verticalAutoscaling: null }
      : null,
    isSystem: service.isSystem,
    serviceStackTypeId: service.typeId,
    serviceStackTypeInfo: {
      serviceStackTypeName: service.typeName,
      serviceStackTypeCategory: service.category,
      serviceStackTypeVersionName: service.typeVersionName,
    },
    activeAppVersion: service.activeVersion ? versionWire(service.activeVersion, state) : null,
    created: service.created,
    lastUpdate: service.lastUpdate,
    githubIntegration: null,
    gitlabIntegration: null,
  };
}

export function processWire(process: Process, state: ZeropsState): Record<string, unknown> {
  const { service } = process;
  return {
    id: process.id,
    clientId: state.clientId,
    projectId: service.project.id,
    serviceStackId: service.id,
    actionName: process.actionName,
    status: process.status,
    created: process.created,
    started: process.started,
    finished: process.finished,
    lastUpdate: process.lastUpdate,
    serviceStacks: [{ id: service.id, name: service.hostname, projectId: service.project.id }],
    sequence: process.ordinal,
    appVersion: process.version ? embeddedVersionWire(process.version, state) : null,
    publicMeta: process.failReason ? { failReason: process.failReason } : null,
  };
}

export function userWire(token: Token, state: ZeropsState): Record<string, unknown> {
  const [firstName = '', ...rest] = token.fullName.split(' ');
  return {
    id: token.userId,
    email: token.email,
    fullName: token.fullName,
    firstName,
    lastName: rest.join(' '),
    status: 'ACTIVE',
    clientUserList: [
      {
        id: `${token.userId.slice(0, 11)}${state.clientId.slice(0, 11)}`,
        clientId: state.clientId,
        roleCode: 'ADMIN',
        status: 'ACTIVE',
        client: { id: state.clientId, accountName: 'Simulated Client' },
      },
    ],
  };
}
