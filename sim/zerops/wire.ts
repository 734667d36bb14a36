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

export function versionWire(version: Version, includeName: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: version.id,
    projectId: version.service.project.id,
    serviceStackId: version.service.id,
    source: 'CLI',
    sequence: version.sequence,
    status: version.status,
    created: version.created,
    lastUpdate: version.lastUpdate,
    activationDate: version.activationDate,
    build: version.build ? { ...version.build } : null,
    githubIntegration: null,
    gitlabIntegration: null,
  };
  if (includeName) wire.name = version.name;
  return wire;
}

/** A ServiceStack; the embedded active version follows the omitVersionNames flag. */
export function serviceWire(service: Service, state: ZeropsState): Record<string, unknown> {
  return {
    id: service.id,
    projectId: service.project.id,
    name: service.hostname,
    status: service.status,
    mode: 'NON_HA',
    serviceStackTypeInfo: {
      serviceStackTypeName: service.typeName,
      serviceStackTypeCategory: service.category,
      serviceStackTypeVersionName: service.typeVersionName,
    },
    activeAppVersion: service.activeVersion ? versionWire(service.activeVersion, !state.options.omitVersionNames) : null,
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
    // The embedded version always carries its name (the SDK declares it here), but no lastUpdate (AppVersionJsonObject has none).
    appVersion: process.version ? { ...versionWire(process.version, true), lastUpdate: undefined } : null,
    publicMeta: null,
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
