// Path templates of the published descriptions (`/repos/{owner}/{repo}`, Gitea's
// `/compare/{basehead}`, the SDK's `{path:.*}`) compiled once and matched against the
// captured requests; the most literal template wins (`/project/search` over `/project/{id}`).

export interface CompiledTemplate<T> {
  value: T;
  method: string;
  regex: RegExp;
  names: string[];
  literals: number;
}

export function compileTemplate<T>(value: T, method: string, template: string): CompiledTemplate<T> {
  const names: string[] = [];
  let literals = 0;
  const source = template
    .split('/')
    .map((segment) => {
      const parts = segment.split(/(\{[^}]+\})/);
      // Only a wholly literal segment counts: GitHub's `compare/{basehead}` must beat its
      // legacy twin `compare/{base}...{head}` on nothing but the order they are listed in.
      if (parts.length === 1) literals++;
      return parts
        .map((part) => {
          const param = /^\{([^}:]+)(:\.\*)?\}$/.exec(part);
          if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1] as string);
          return param[2] ? '(.*)' : '([^/]+?)';
        })
        .join('');
    })
    .join('/');
  return { value, method, regex: new RegExp(`^${source}$`), names, literals };
}

export function matchTemplate<T>(templates: readonly CompiledTemplate<T>[], method: string, path: string): { value: T; params: Record<string, string> } | null {
  let best: { compiled: CompiledTemplate<T>; found: RegExpExecArray } | null = null;
  for (const compiled of templates) {
    if (compiled.method !== method) continue;
    const found = compiled.regex.exec(path);
    // Ties go to the template listed first.
    if (found && (!best || compiled.literals > best.compiled.literals)) best = { compiled, found };
  }
  if (!best) return null;
  const { compiled, found } = best;
  const params: Record<string, string> = {};
  compiled.names.forEach((name, i) => (params[name] = found[i + 1] as string));
  return { value: compiled.value, params };
}
