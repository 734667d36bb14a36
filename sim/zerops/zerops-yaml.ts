// Reads the zerops.yaml sent with a deploy the way the platform validates it, to find
// the SHA a release tool stamped into run.envVariables.ZEROPS_ROLLOUT_SHA.
import { parseDocument } from 'yaml';
import { badRequest } from './errors.js';

export const STAMP_VARIABLE = 'ZEROPS_ROLLOUT_SHA';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the zerops.yaml is checked for (SDK ZeropsYamlValidationOperationEnum). */
export type YamlOperation = 'BUILD_AND_DEPLOY' | 'DEPLOY';

/**
 * Validates zerops.yaml for `setup` like the platform: valid YAML, a `zerops` list, the
 * setup present, and for a build its `build.deployFiles`. Throws a 400 Zerops error.
 */
export function chosenSetup(zeropsYaml: string, setup: string, operation: YamlOperation): Record<string, unknown> {
  // failsafe: every scalar stays a string, so a numeric-looking SHA keeps its digits.
  const document = parseDocument(zeropsYaml, { schema: 'failsafe' });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw badRequest('zeropsYamlInvalidYaml', `zerops.yaml is not valid YAML: ${first?.message ?? 'parse error'}`, {
      errors: document.errors.map((error) => error.message),
    });
  }
  const root: unknown = document.toJS();
  const setups = isRecord(root) ? root.zerops : undefined;
  if (!Array.isArray(setups)) {
    throw badRequest('zeropsYamlInvalidParameter', 'zerops.yaml must have a top-level "zerops" list of setups', { parameter: 'zerops' });
  }
  const chosen = setups.find((entry): entry is Record<string, unknown> => isRecord(entry) && entry.setup === setup);
  if (!chosen) {
    const available = setups.filter(isRecord).map((entry) => String(entry.setup));
    throw badRequest('zeropsYamlSetupNotFound', `zerops.yaml has no setup "${setup}" (found: ${available.join(', ') || 'none'})`, {
      setup,
      available,
    });
  }
  const build = chosen.build;
  if (operation === 'BUILD_AND_DEPLOY' && !(isRecord(build) && build.deployFiles !== undefined)) {
    throw badRequest('zeropsYamlInvalidParameter', `setup "${setup}": build.deployFiles is required to build`, { parameter: 'build.deployFiles', setup });
  }
  return chosen;
}

/**
 * The stamped SHA for `setup`, or undefined when the setup does not stamp one.
 * Throws a 400 Zerops error for a zerops.yaml the platform would refuse.
 */
export function stampedSha(zeropsYaml: string, setup: string, operation: YamlOperation): string | undefined {
  const stamped = runEnv(zeropsYaml, setup, operation)[STAMP_VARIABLE];
  return stamped !== undefined && stamped !== '' ? stamped : undefined;
}

/** The run.envVariables of `setup` (what a version's userDataList reports once deployed); same errors as chosenSetup. */
export function runEnv(zeropsYaml: string, setup: string, operation: YamlOperation): Record<string, string> {
  const run = chosenSetup(zeropsYaml, setup, operation).run;
  const env = isRecord(run) ? run.envVariables : undefined;
  const out: Record<string, string> = {};
  if (isRecord(env)) for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}
