// Divergences the audits already name, owned by other work in progress. Each entry cites
// its finding (/work/shared/audits/*.md) and is removed once the fix lands: an entry that
// explains nothing in a run is printed as stale. Keep this list short and honest.
import type { Platform } from './report.js';

export interface KnownDivergence {
  platform: Platform;
  /** The audit finding, e.g. `zerops-api F3`. */
  finding: string;
  /** Tested against `<operation> <message>` of a violation. */
  match: RegExp;
  why: string;
}

// Empty: every divergence the audits named is fixed (see the closing note of issue #11).
export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [];
