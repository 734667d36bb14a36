// The job summary, for someone looking at the run page under pressure: the verdict
// first, then why, the plan, every service, a timeline, the gates, the warnings.
// Every user- or server-controlled string is escaped.
import type { Outcome, RunResult, ServiceRecord } from '../rollout/records.js';
import { formatDuration } from '../util/duration.js';
import { code, link, md, shortSha } from './escape.js';
import type { RunFacts } from './facts.js';
import { readinessSection } from './preflight-section.js';
import { handoffMarkdown } from './handoff-render.js';
import { zeropsServiceUrl } from './report.js';

const ICON: Record<RunResult, string> = {
  success: '✅',
  noop: '✅',
  disabled: '⏸️',
  superseded: '⏭️',
  'dry-run': '📝',
  halted: '🛑',
  failed: '❌',
  'rolled-back': '↩️',
};

const OUTCOME_ICON: Record<Outcome, string> = {
  'on-target': '✅',
  skipped: '⏭️',
  failed: '❌',
  'rolled-back': '↩️',
  quarantined: '⚠️',
  untouched: '▫️',
  'in-flight': '⏳',
};

export function verdictLine(facts: RunFacts, result: RunResult): string {
  const sha = facts.target ? shortSha(facts.target.sha) : 'the target';
  const count = (o: Outcome) => facts.records.filter((r) => r.outcome === o).length;
  switch (result) {
    case 'success': {
      const q = count('quarantined');
      return `${sha} released to ${count('on-target')} service(s)${count('skipped') ? `, ${count('skipped')} already on it` : ''}${q ? `, ${q} quarantined` : ''}`;
    }
    case 'noop':
      return `every service already runs ${sha}; nothing changed`;
    case 'dry-run':
      return `dry run for ${sha}; nothing changed`;
    case 'disabled':
      return 'kill switch engaged; nothing changed';
    case 'superseded':
      return 'a newer commit is being released; nothing changed';
    case 'halted':
      return `stopped with ${count('on-target')} service(s) on ${sha}, ${count('untouched') + count('in-flight')} not (see the table)`;
    case 'rolled-back':
      return `release of ${sha} failed and was rolled back (${count('rolled-back')} service(s) restored)`;
    case 'failed':
      return facts.records.some((r) => r.changed) ? `release of ${sha} failed` : `release of ${sha} failed before any change`;
  }
}

export function renderSummary(facts: RunFacts, result: RunResult, reportPath: string | null): string {
  const out: string[] = [];
  out.push(`## ${ICON[result]} zerops-rollout: ${result} — ${md(verdictLine(facts, result))}`, '');
  if (facts.stop && facts.stop.kind !== 'dry-run') {
    const [first, ...rest] = facts.stop.message.split('\n');
    const lines = [`**${result === 'disabled' || result === 'superseded' ? 'Note' : 'Why'}:** ${md(first ?? '')}`, ...rest.map((l) => md(l.trim().replace(/^- /, '• ')))];
    out.push(`> ${lines.join('<br>\n> ')}`, '');
  }
  out.push(...readinessSection(facts.preflight));
  out.push(...planSection(facts), ...stageProofSection(facts), ...servicesSection(facts.records), ...timelineSection(facts), ...gatesSection(facts));
  if (facts.warnings.length > 0) {
    out.push('### Warnings', '', ...facts.warnings.map((w) => `- ${md(w)}`), '');
  }
  if (facts.handoff) out.push(...handoffMarkdown(facts.handoff));
  const footer = [`zerops-rollout`, reportPath ? `report: ${code(reportPath)}` : null, facts.forge?.runUrl ? link(facts.forge.runUrl, 'run') : null];
  out.push(`<sub>${footer.filter(Boolean).join(' · ')}</sub>`, '');
  return out.join('\n');
}

function planSection(facts: RunFacts): string[] {
  const s = facts.settings;
  const bits: string[] = [];
  if (facts.target) bits.push(`**Target** ${code(facts.target.input)} → ${code(facts.target.sha)}`);
  if (facts.refPolicy) bits.push(`allowed by ${code(facts.refPolicy.allowedBy)} (${facts.refPolicy.how})`);
  if (facts.project) bits.push(`project **${md(facts.project.name ?? facts.project.id)}** (${code(facts.project.id)})`);
  if (s) bits.push(`strategy ${code(s.strategy)} · batch size ${s.batchSize} · soak ${formatDuration(s.soakMs)} · rollback ${code(s.rollback)}`);
  const out = bits.length ? [bits.join(' · '), ''] : [];
  if (facts.plan) {
    out.push('**Plan:** ' + facts.plan.stages.map((st) => `${md(st.name)} (${st.services.map((p) => md(p.hostname)).join(', ') || '—'})`).join(' → '), '');
  }
  return out;
}

const PROOF_ICON = { proven: '✅', refused: '❌', skipped: '⏭️' } as const;

function stageProofSection(facts: RunFacts): string[] {
  const p = facts.stageProof;
  if (!p) return [];
  const out = ['### Stage proof', '', `${PROOF_ICON[p.status]} **${p.status}** — ${md(p.note)}${p.checks > 1 ? ` (checked ${p.checks} times, the last right before the canary)` : ''}`, ''];
  if (p.status === 'skipped') return out;
  const about: string[] = [];
  if (p.minAgeMs !== null) about.push(`minimum age ${formatDuration(p.minAgeMs)}`);
  if (p.stageProject) about.push(`stage project **${md(p.stageProject.name ?? p.stageProject.id)}** (${code(p.stageProject.id)})`);
  const d = p.deployment;
  if (d) about.push(`deployment to ${code(d.environment)}: ${d.ok ? '✅' : '❌'} ${d.url ? link(d.url, md(d.detail)) : md(d.detail)}`);
  if (about.length) out.push(about.map((f) => `- ${f}`).join('\n'), '');
  if (p.services.length === 0) return out;
  const hasInfo = p.services.some((r) => r.buildInfo);
  const hasZerops = p.services.some((r) => r.zerops);
  const head = ['Service', 'Stage service', ...(hasInfo ? ['Build-info'] : []), ...(hasZerops ? ['Stage Zerops'] : []), 'Proven'];
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const r of p.services) {
    const cells = [md(r.service), md(r.stageService)];
    if (hasInfo) cells.push(r.buildInfo ? `${r.buildInfo.ok ? '✅' : '❌'} ${md(r.buildInfo.detail)}` : '—');
    if (hasZerops) cells.push(r.zerops ? `${r.zerops.ok ? '✅' : '❌'} ${md(r.zerops.detail)}` : '—');
    cells.push(r.ok ? '✅' : '❌');
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

function servicesSection(records: readonly ServiceRecord[]): string[] {
  if (records.length === 0) return [];
  const rows = records.map((r) => {
    const took = r.startedAt !== null && r.finishedAt !== null ? formatDuration(r.finishedAt - r.startedAt) : '—';
    const why = r.reason ? ` — ${md(r.reason)}` : '';
    return `| ${md(r.hostname)} | ${md(r.stage)} | ${code(shortSha(r.before.sha))} | ${code(shortSha(r.after.sha))} | ${md(r.strategy)} | ${OUTCOME_ICON[r.outcome]} ${md(r.outcome)}${why} | ${took} | ${link(zeropsServiceUrl(r.serviceId), 'open')} |`;
  });
  const counts = new Map<Outcome, number>();
  for (const r of records) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return [
    '### Services',
    '',
    '| Service | Stage | Before | After | Strategy | Outcome | Time | Zerops |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    [...counts.entries()].map(([o, n]) => `${n} ${o}`).join(' · '),
    '',
  ];
}

function timelineSection(facts: RunFacts): string[] {
  if (facts.timeline.length === 0) return [];
  const t0 = facts.timeline[0]?.startedAt ?? facts.startedAt;
  const mermaidName = (s: string) => s.replace(/[^A-Za-z0-9 ._-]/g, ' ');
  const gantt = facts.timeline.map((t, i) => {
    const tag = t.status === 'ok' ? 'done' : t.status === 'failed' ? 'crit' : 'active';
    return `  ${mermaidName(t.name)} :${tag}, s${i}, ${t.startedAt}, ${Math.max(t.endedAt, t.startedAt + 1)}`;
  });
  const rows = facts.timeline.map(
    (t) => `| ${md(t.name)} | +${formatDuration(t.startedAt - t0)} | ${formatDuration(t.endedAt - t.startedAt)} | ${md(t.status)} | ${t.services.map(md).join(', ')} |`,
  );
  return [
    '### Timeline',
    '',
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %M:%S',
    ...gantt,
    '```',
    '',
    '| Stage | Start | Duration | Status | Services |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function gatesSection(facts: RunFacts): string[] {
  const out: string[] = ['### Gates', ''];
  const k = facts.killSwitch;
  if (k) {
    out.push(
      `- Kill switch ${code(k.variable)}: ${k.jobStartEngaged ? '**engaged at job start**' : 'open at job start'}; ${
        k.live ? `re-read live (${k.reads} read${k.reads === 1 ? '' : 's'})` : '**not live** (job-start value only)'
      }`,
    );
  }
  if (facts.refPolicy) out.push(`- Allowed refs checked: ${facts.refPolicy.checked.map(code).join(', ')}`);
  const c = facts.checks;
  if (c) {
    out.push(`- Checks: **${c.verdict}** after ${c.polls} poll(s) (${formatDuration(c.waitedMs)})`, '');
    if (c.required.length > 0) {
      out.push('| Check | State | Required by |', '|---|---|---|');
      for (const r of c.required) {
        const state = link(r.url, r.state === 'missing' ? 'missing' : r.raw);
        out.push(`| ${md(r.name)} | ${state} | ${r.explicit ? 'name' : 'reported on the commit'} |`);
      }
    }
  }
  if (out.length === 2) return [];
  out.push('');
  return out;
}
