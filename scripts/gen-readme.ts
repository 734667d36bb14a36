// Regenerates the README's inputs and outputs tables from action.yml, between the
// `<!-- inputs:start -->`/`<!-- inputs:end -->` (and outputs) markers. `--check` fails
// when the committed README differs, so the docs cannot drift from the interface.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYaml;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const inputs = [
  '| Input | Default | Description |',
  '|---|---|---|',
  ...Object.entries(action.inputs).map(([name, i]) => {
    const def = i.required ? '**required**' : i.default === undefined || i.default === '' ? '—' : `\`${cell(i.default)}\``;
    return `| \`${name}\` | ${def} | ${cell(i.description)} |`;
  }),
].join('\n');
const outputs = ['| Output | Description |', '|---|---|', ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`)].join('\n');

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

const current = readFileSync('README.md', 'utf8');
const next = replaceBetween(replaceBetween(current, 'inputs', inputs), 'outputs', outputs);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md inputs/outputs tables are out of date: run `npm run gen`.');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync('README.md', next);
  console.log('README.md tables regenerated');
}
