// Public entry point of the simulator used by the action's tests.
export { startSimulator } from './simulator.js';
export type { Simulator, SimulatorUrls, ServiceView, VersionView, SimulatorSnapshot, ForgeSnapshot, ForgeName } from './simulator.js';
export type { RequestLogEntry, ServerName } from './log.js';
export type { FaultSpec, FaultAction } from './faults.js';
export type { CheckPatch } from './forge/checks.js';
export { sha, fleetServices, type FleetOptions } from './fixtures.js';
export { ScenarioError, loadScenarioFile } from './scenario.js';
export type {
  Scenario,
  ZeropsScenario,
  ZeropsTokenSpec,
  ProjectSpec,
  ServiceSpec,
  VersionSpec,
  DeployBehaviourSpec,
  BuildInfoSpec,
  GithubScenario,
  GiteaScenario,
  ForgeScenario,
  ForgeTokenSpec,
  CommitSpec,
  CheckSpec,
  StatusSpec,
  TimelineStep,
  Duration,
  FailPoint,
  DeploymentSpec,
  DeploymentStatusSpec,
} from './scenario.js';
export { STAMP_VARIABLE } from './zerops/zerops-yaml.js';
export { githubRateLimitFault, type GithubRateLimitFault } from './forge/rate-limits.js';
