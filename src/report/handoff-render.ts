// The release handoff, rendered two ways from one model: Markdown for the job summary,
// plain lines for the log (the CLI and the action log show the same block).
import type { StageProof } from '../gates/stage-evidence.js';
import { code, md, shortSha } from './escape.js';
import type { ConfigChange } from './config-diff.js';
import type { Handoff, HandoffSetup } from './handoff.js';

/** A phrase per part, shared by both renderings so they cannot drift apart. */
interface Parts {
  tags: string;
  allowed: string;
  stage: string;
  stageLines: string[];
}

/** q: a value shown as code; t: free text. Markdown escapes both; plain text neither. */
function partsOf(h: Handoff, q: (s: string) => string, t: (s: string) => string): Parts {
  const g = h.tags;
  const more = g && g.read >= g.limit ? `; only the first ${g.read} tags were read` : '';
  const tags = !g ? 'could not be read' : g.names.length ? `${g.names.map(q).join(', ')}${more}` : `none (${g.read} tag${g.read === 1 ? '' : 's'} read${more})`;
  const allowed = h.allowedBy ? `${q(h.allowedBy.ref)} (${h.allowedBy.how})` : 'not checked';
  return { tags, allowed, ...stageParts(h.stageProof, q, t) };
}

function stageParts(p: StageProof | null, q: (s: string) => string, t: (s: string) => string): { stage: string; stageLines: string[] } {
  if (!p) return { stage: 'none', stageLines: [] };
  const lines: string[] = [];
  const d = p.deployment;
  if (d) lines.push(`deployment ${q(d.environment)}: ${d.ok ? 'ok' : 'missing'} — ${t(d.detail)}`);
  for (const s of p.services) {
    lines.push(`${q(s.service)} as ${q(s.stageService)} on stage: ${s.ok ? 'ok' : `missing ${t(s.missing.join(', '))}`}`);
  }
  return { stage: `${p.status} — ${t(p.note)}`, stageLines: lines };
}

function changeWords(c: ConfigChange): string {
  if (c.kind === 'changed') return c.before === undefined && c.after === undefined ? 'value changed' : 'changed';
  return c.kind;
}

function setupTitle(s: HandoffSetup): string {
  return `${s.services.join(', ')}; ${shortSha(s.from)} → ${shortSha(s.to)}`;
}

function statusWords(s: HandoffSetup): string {
  switch (s.status) {
    case 'unchanged':
      return 'nothing changed';
    case 'new':
      return 'new (nothing ran before)';
    case 'unknown':
      return 'unknown';
    case 'changed':
      return `${s.changes.length} change${s.changes.length === 1 ? '' : 's'}`;
  }
}

export function handoffMarkdown(h: Handoff): string[] {
  const p = partsOf(h, code, md);
  const out = [
    '### Release handoff',
    '',
    `- **Target:** ${code(h.target.sha)} (from ${code(h.target.input)})`,
    `- **Tags on it:** ${p.tags}`,
    `- **Allowed by:** ${p.allowed}`,
    `- **Stage evidence:** ${p.stage}`,
    ...p.stageLines.map((l) => `  - ${l}`),
    `- **Services:** ${h.services.length ? h.services.map((s) => `${md(s.hostname)} ${code(shortSha(s.before))} → ${code(shortSha(s.after))} (${md(s.outcome)})`).join(' · ') : 'none'}`,
    '',
  ];
  if (h.config.length > 0) out.push('**Configuration this release changes** (zerops.yaml, as committed):', '');
  for (const s of h.config) {
    const detail = s.detail ? ` — ${md(s.detail)}` : '';
    out.push(`- setup ${code(s.setup)} (${md(setupTitle(s))}): **${statusWords(s)}**${detail}`);
    if (s.changes.length === 0) continue;
    out.push('', '  | Key | Change | Before | After |', '  |---|---|---|---|');
    for (const c of s.changes) {
      const v = (x: string | undefined) => (x === undefined ? '' : code(x));
      out.push(`  | ${code(c.key)} | ${changeWords(c)} | ${v(c.before)} | ${v(c.after)} |`);
    }
    out.push('');
  }
  if (h.notes.length) out.push('', ...h.notes.map((n) => `> ${md(n)}`));
  out.push('');
  return out;
}

export function handoffLines(h: Handoff): string[] {
  const same = (s: string) => s;
  const p = partsOf(h, same, same);
  const out = [
    'Release handoff',
    `  Target: ${h.target.sha} (from ${h.target.input})`,
    `  Tags on it: ${p.tags}`,
    `  Allowed by: ${p.allowed}`,
    `  Stage evidence: ${p.stage}`,
    ...p.stageLines.map((l) => `    ${l}`),
    `  Services: ${h.services.length ? h.services.map((s) => `${s.hostname} ${shortSha(s.before)} → ${shortSha(s.after)} (${s.outcome})`).join(', ') : 'none'}`,
  ];
  for (const s of h.config) {
    out.push(`  Config, setup ${s.setup} (${setupTitle(s)}): ${statusWords(s)}${s.detail ? ` — ${s.detail}` : ''}`);
    for (const c of s.changes) {
      const values = c.before === undefined && c.after === undefined ? '' : `: ${c.before ?? '—'} → ${c.after ?? '—'}`;
      out.push(`    ${c.key} ${changeWords(c)}${values}`);
    }
  }
  for (const n of h.notes) out.push(`  Note: ${n}`);
  return out;
}
