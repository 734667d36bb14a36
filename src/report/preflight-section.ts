// The summary's "Production readiness" section: the preflight findings, leading the body.
import type { PreflightResult } from '../gates/preflight.js';
import { code, md } from './escape.js';

export function readinessSection(result: PreflightResult | null): string[] {
  if (!result) return [];
  const head = '### Production readiness';
  if (result.mode === 'off') return [head, '', `Preflight ${code('off')}: production readiness was not checked.`, ''];
  if (result.findings.length === 0) return [head, '', `Preflight ${code(result.mode)}: no findings.`, ''];
  const refusing = result.findings.filter((f) => f.severity === 'refuse').length;
  const warning = result.findings.length - refusing;
  const verdict = result.refused ? `**refused** (${refusing} refusing${warning ? `, ${warning} warning` : ''}); nothing was changed` : `${warning} warning(s); not refused`;
  return [
    head,
    '',
    `Preflight ${code(result.mode)}: ${verdict}.`,
    '',
    '| | Service | Finding | Fix |',
    '|---|---|---|---|',
    ...result.findings.map((f) => `| ${f.severity === 'refuse' ? '🛑 refuses' : '⚠️ warns'} | ${code(f.service)} | ${code(f.kind)} ${md(f.message)} | ${md(f.fix)} |`),
    '',
  ];
}
