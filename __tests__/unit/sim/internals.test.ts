import { describe, expect, it } from '@jest/globals';
import { reshape, truncateJson } from '../../../sim/faults.js';
import { CommitGraph } from '../../../sim/forge/graph.js';
import { linkHeader, readPage } from '../../../sim/forge/paging.js';
import { sha } from '../../../sim/index.js';
import { createPrng, drawDuration } from '../../../sim/prng.js';
import { Scheduler } from '../../../sim/scheduler.js';
import { stampedSha } from '../../../sim/zerops/zerops-yaml.js';

describe('Scheduler', () => {
  it('tracks timers and clears every one on close', async () => {
    const scheduler = new Scheduler();
    const fired: string[] = [];
    scheduler.after(5, () => fired.push('a'));
    const cancel = scheduler.after(5, () => fired.push('b'));
    scheduler.after(60_000, () => fired.push('never'));
    cancel();
    expect(scheduler.pendingTimers).toBe(2);
    await scheduler.sleep(20);
    expect(fired).toEqual(['a']);
    expect(scheduler.pendingTimers).toBe(1);
    scheduler.close();
    expect(scheduler.pendingTimers).toBe(0);
    scheduler.after(1, () => fired.push('after close'));
    expect(scheduler.pendingTimers).toBe(0);
  });
});

describe('PRNG', () => {
  it('replays per stream and stays in range', () => {
    const a = createPrng(1, 'svc');
    const b = createPrng(1, 'svc');
    const draws = Array.from({ length: 100 }, () => a.intBetween(10, 20));
    expect(Array.from({ length: 100 }, () => b.intBetween(10, 20))).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThanOrEqual(20);
    expect(createPrng(1, 'other').next()).not.toBe(createPrng(1, 'svc').next());
    expect(drawDuration(42, a)).toBe(42);
  });
});

describe('CommitGraph', () => {
  const graph = new CommitGraph(Date.UTC(2026, 0, 1));
  const [root, left, right, merge] = [sha('root'), sha('left'), sha('right'), sha('merge')];
  graph.add({ sha: root, parents: [] });
  graph.add({ sha: left, parents: [root] });
  graph.add({ sha: right, parents: [root] });
  graph.add({ sha: merge, parents: [left, right] });

  it('finds merge bases and counts through merges', () => {
    expect(graph.compare(left, right)).toMatchObject({ status: 'diverged', aheadBy: 1, behindBy: 1, mergeBase: { sha: root } });
    expect(graph.compare(right, merge)).toMatchObject({ status: 'ahead', aheadBy: 2, behindBy: 0 });
    expect(graph.history(merge).map((c) => c.sha)).toEqual([merge, right, left, root]);
  });

  it('resolves unique short SHAs only', () => {
    expect(graph.resolve(merge.slice(0, 10))?.sha).toBe(merge);
    expect(graph.resolve(merge.slice(0, 6))).toBeUndefined();
    expect(graph.resolve('zzzzzzz')).toBeUndefined();
    expect(() => graph.add({ sha: sha('orphan'), parents: [sha('missing')] })).toThrow(/unknown/);
  });
});

describe('paging', () => {
  const rules = { sizeParam: 'limit' as const, defaultSize: 30, maxSize: 50 };

  it('clamps the page size silently and builds Link headers', () => {
    expect(readPage({ limit: '100' }, rules)).toEqual({ page: 1, size: 50 });
    expect(readPage({ limit: '0', page: '-2' }, rules)).toEqual({ page: 1, size: 30 });
    expect(linkHeader('http://h', '/x', {}, rules, { page: 1, size: 50 }, 10)).toBeUndefined();
    const link = linkHeader('http://h', '/x', { sha: 'main' }, rules, { page: 2, size: 10 }, 35) ?? '';
    expect(link).toContain('<http://h/x?sha=main&page=3&limit=10>; rel="next"');
    expect(link).toContain('page=4&limit=10>; rel="last"');
    expect(link).toContain('rel="prev"');
  });
});

describe('zerops.yaml stamping', () => {
  it('keeps a numeric-looking SHA as written and explains structural problems', () => {
    expect(stampedSha('zerops:\n  - setup: app\n    run:\n      envVariables:\n        ZEROPS_ROLLOUT_SHA: 0123456\n', 'app', 'DEPLOY')).toBe('0123456');
    expect(stampedSha('zerops:\n  - setup: app\n', 'app', 'DEPLOY')).toBeUndefined();
    expect(() => stampedSha('setup: app\n', 'app', 'DEPLOY')).toThrow();
    // A build needs build.deployFiles; a deploy of a prebuilt artifact does not.
    expect(() => stampedSha('zerops:\n  - setup: app\n    build:\n      base: nodejs@22\n', 'app', 'BUILD_AND_DEPLOY')).toThrow();
    expect(stampedSha('zerops:\n  - setup: app\n    build:\n      deployFiles: ./\n', 'app', 'BUILD_AND_DEPLOY')).toBeUndefined();
  });
});

describe('answer transforms', () => {
  it('reshapes answers and truncates JSON', () => {
    expect(reshape({ a: null, b: { html_url: 'x', c: 1 }, list: [{ d: 2 }] }, 'minimal')).toEqual({ b: { c: 1 }, list: [{ d: 2 }] });
    expect(reshape([{ a: 1 }], 'extra')).toEqual([expect.objectContaining({ a: 1, simUnexpectedField: expect.any(String) })]);
    const text = JSON.stringify({ hello: 'world' });
    expect(() => JSON.parse(truncateJson(text))).toThrow();
    expect(truncateJson('{}')).toBe('{');
  });
});
