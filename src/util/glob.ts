// `*` globs (any run of characters, including none); everything else is literal.
export function hasGlob(pattern: string): boolean {
  return pattern.includes('*');
}

export function globToRegExp(pattern: string, flags = ''): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, flags);
}

export function matchesAny(name: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(name));
}
