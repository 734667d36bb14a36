// Reads every page of a list. Stops on an empty page or once a reported total is
// covered — never on "fewer than asked", because Gitea clamps page sizes silently.

export interface Page<T> {
  items: T[];
  /** Total rows, when the server says (X-Total-Count, total_count). */
  total?: number;
}

export async function collectPages<T>(fetchPage: (page: number) => Promise<Page<T>>, maxPages: number): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { items: rows, total } = await fetchPage(page);
    if (rows.length === 0) return { items, complete: true };
    items.push(...rows);
    if (total !== undefined && items.length >= total) return { items, complete: true };
  }
  return { items, complete: false };
}
