import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids.ts';

describe('SeenIds', () => {
  it('given ids from several sources, then an id is seen only for its own source, and no source is not the empty source', () => {
    const s = new SeenIds(100);
    s.add('pbx-1', 'e1');
    s.add(undefined, 'e2');
    expect([s.has('pbx-1', 'e1'), s.has('pbx-2', 'e1'), s.has(undefined, 'e1'), s.has(undefined, 'e2'), s.has('', 'e2'), s.has('pbx-1', 'e2')]).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
    s.add('pbx-1', 'e1');
    expect(s.size).toBe(2);
  });

  it('given a full set, when another id comes, then the oldest tenth of each source is forgotten and the newest are kept', () => {
    const s = new SeenIds(20);
    for (let i = 0; i < 10; i++) s.add('a', `a${i}`);
    for (let i = 0; i < 10; i++) s.add('b', `b${i}`);
    s.add('a', 'a10');
    // ceil(10 / 10) = 1 forgotten from each source, then a10 added.
    expect(s.size).toBe(19);
    expect([s.has('a', 'a0'), s.has('b', 'b0'), s.has('a', 'a1'), s.has('b', 'b9'), s.has('a', 'a10')]).toEqual([false, false, true, true, true]);
  });

  it('given a checkpoint of the newest keys, when read back, then the same ids are seen, in the key form earlier builds wrote', () => {
    const s = new SeenIds(1000);
    for (let i = 0; i < 30; i++) s.add('pbx', `p${i}`);
    for (let i = 0; i < 10; i++) s.add(undefined, `n${i}`);
    const keys = s.newestKeys(20);
    // Each source's share of the 20, newest: 15 of pbx, 5 of the sourceless.
    expect(keys.filter((k) => k.startsWith('pbx\u0000'))).toEqual(Array.from({ length: 15 }, (_, i) => `pbx\u0000p${i + 15}`));
    expect(keys.filter((k) => !k.includes('\u0000'))).toEqual(['n5', 'n6', 'n7', 'n8', 'n9']);
    const r = new SeenIds(1000);
    // Keys written by an earlier build (one Set of `source\0id` strings) read the same way.
    r.addKeys([...keys, 'other\u0000with\u0000nul']);
    expect([r.has('pbx', 'p29'), r.has('pbx', 'p14'), r.has(undefined, 'n9'), r.has(undefined, 'n4'), r.has('other', 'with\u0000nul')]).toEqual([true, false, true, false, true]);
    expect(s.newestKeys(1000)).toHaveLength(40);
  });
});
