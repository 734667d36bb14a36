// Turns the runner's workflow commands (::group::, ::warning::, …) into readable lines,
// the way a run page shows them. Secrets masks are consumed, as a runner does.
export function prettyRunnerLine(line: string, colour: boolean): string | null {
  const paint = (code: string, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const m = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
  if (!m) return `  ${line}`;
  const [, command, props = '', message = ''] = m;
  const text = message.replace(/%0A/g, '\n    ').replace(/%0D/g, '').replace(/%25/g, '%');
  const title = /title=([^,]*)/.exec(props)?.[1];
  switch (command) {
    case 'group':
      return paint('1', `▸ ${text}`);
    case 'endgroup':
    case 'add-mask':
    case 'debug':
      return null;
    case 'warning':
      return paint('33', `  ⚠ ${title ? `${title}: ` : ''}${text}`);
    case 'error':
      return paint('31', `  ✖ ${title ? `${title}: ` : ''}${text}`);
    case 'notice':
      return paint('36', `  ℹ ${title ? `${title}: ` : ''}${text}`);
    default:
      return `  ${line}`;
  }
}
