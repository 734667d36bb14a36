// Two close pushes run two deploy jobs; the older must not finish last and roll the
// fleet backwards. A push-triggered run whose commit is no longer its branch's tip stops.
import type { RunContext } from '../forge/context.js';
import type { Forge } from '../forge/types.js';

export interface Superseded {
  branch: string;
  newer: string;
}

export async function checkSuperseded(forge: Forge, ctx: RunContext, target: string, targetFromInput: boolean): Promise<Superseded | null> {
  if (targetFromInput || ctx.eventName !== 'push' || !ctx.ref?.startsWith('refs/heads/')) return null;
  const branch = ctx.ref.slice('refs/heads/'.length);
  const tip = await forge.branchTip(branch);
  if (!tip || tip === target) return null;
  return { branch, newer: tip };
}
