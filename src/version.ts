// Replaced at bundle time; `dev` when running from source (tests).
declare const __ZEROPS_ROLLOUT_VERSION__: string | undefined;
export const VERSION: string = typeof __ZEROPS_ROLLOUT_VERSION__ === 'string' ? __ZEROPS_ROLLOUT_VERSION__ : 'dev';
export const USER_AGENT = `zerops-rollout/${VERSION} (+https://github.com/zerops-rollout/zerops-rollout; node ${process.version})`;
