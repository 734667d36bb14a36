// The simulator may only answer with error codes the real API has: the SDK's errorCode
// list (zeropsio/zerops-go errorCode/codes.go at 2ffcf82). Below are the SDK codes for
// the entities the simulator models (auth, projects, services, versions, processes,
// zerops.yaml); a code outside them is either invented or needs a look at the SDK first.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SIM_ERROR_CODES } from '../../../sim/zerops/errors.js';

const SDK_CODES = new Set(
  `internalServerError notFound invalidUserInput invalidUserInputWithText notAuthorized insufficientPrivileges insufficientPermissions
  invalidCredentials tokenExpired projectNotFound projectIsNotActive projectStatusNotSupported clientIdProjectServiceStackMissing
  serviceStackNotFound serviceStackTypeNotFound serviceStackIsFailed serviceStackIsSystemNotSupported serviceStackIsReadyToDeploy
  serviceStackCreating serviceStackUpgrading serviceStackInvalidCategory serviceStackStatusNotSupported activeServiceStackRequired
  userServiceStackRequired processNotFound processIsAlreadyOver processIsAlreadyRunning unableToCreateProcess nothingToCancel
  processAlreadyFinished processCanNoLongerBeCanceled appVersionNotFound appVersionInvalidStatus deployProcessAlreadyCreated
  appVersionIsActive appVersionNoActiveFound appVersionIsBeingDeployed appVersionIsBeingBuilt appVersionIsNotBeingUploaded
  appVersionDeployingFailed appVersionBuildingFailed appVersionYamlParseFailed appVersionYamlConfigRequired appVersionDataNotAvailable
  yamlValidationInvalidYaml zeropsYamlSetupNotFound zeropsYamlInvalidYaml zeropsYamlTooManyExtends zeropsYamlInvalidParameter
  zeropsYamlMissingParameter`.split(/\s+/),
);

const SIM_ZEROPS_DIR = fileURLToPath(new URL('../../../sim/zerops/', import.meta.url));

describe('simulator error codes', () => {
  it('every code the Zerops simulator can send is a real SDK error code', () => {
    expect(SIM_ERROR_CODES.filter((code) => !SDK_CODES.has(code))).toEqual([]);
  });

  it('no source of the Zerops simulator writes a code outside that list (no casts, no literal envelopes)', () => {
    const written: string[] = [];
    for (const file of readdirSync(SIM_ZEROPS_DIR).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(SIM_ZEROPS_DIR, file), 'utf8');
      for (const m of text.matchAll(/(?:badRequest|zeropsError)\(\s*(?:\d+\s*,\s*)?'([^']+)'/g)) written.push(m[1] as string);
      for (const m of text.matchAll(/code:\s*'([^']+)'/g)) written.push(m[1] as string);
    }
    expect(written.length).toBeGreaterThan(10);
    expect([...new Set(written)].filter((code) => !(SIM_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });
});
