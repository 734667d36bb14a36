// The plan, printed before anything changes: what each service runs, how it gets to
// the target, and in which stage.
import type { Plan } from '../rollout/plan.js';
import type { RunFacts } from './facts.js';
import { shortSha } from './escape.js';

export function planLines(facts: RunFacts, plan: Plan): string[] {
  const s = facts.settings;
  const lines: string[] = [];
  if (facts.project) lines.push(`Project: ${facts.project.name ?? '?'} (${facts.project.id})`);
  if (s) lines.push(`Strategy: ${s.strategy} · batch size ${s.batchSize} · soak ${s.soakMs / 1000}s · rollback ${s.rollback} · max stragglers ${s.maxStragglers}`);
  for (const stage of plan.stages) {
    const items = stage.services.map((p) => `${p.hostname} [${p.strategy}${p.before.sha ? ` from ${shortSha(p.before.sha)}` : ''}]`);
    lines.push(`${stage.name === 'canary' ? 'Canary' : capitalise(stage.name)}: ${items.join(', ') || '(none)'}`);
  }
  const skipped = plan.services.filter((p) => p.strategy === 'skip' && p.stage !== 'canary').map((p) => p.hostname);
  if (skipped.length > 0) lines.push(`Already on target (skipped): ${skipped.join(', ')}`);
  for (const p of plan.services) if (p.note) lines.push(`Note: ${p.hostname} ${p.note}`);
  return lines;
}


function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
