import { describe, expect, it } from 'vitest';
import { agentDTO } from './selectors.ts';
import { apply, ev, ready, site, t } from './testing.ts';

describe("an agent's shift today (team lead page)", () => {
  it('given a1 logged in at 08:00, out at 09:06:40 and back at 09:23:20, then the shift starts at 08:00 and counts only logged-in time', () => {
    const s = apply(site(), [...ready(t(0), 'a1'), ev.logout('a1', t(4000)), ev.login('a1', t(5000))]);
    const dto = agentDTO(s, s.agents.get('a1')!, t(6000));
    expect(dto.today.shiftStart).toBe(t(0));
    expect(dto.today.staffedSec).toBe(4000 + 1000);
  });

  it('given an agent who never logged in today, then there is no shift', () => {
    const s = apply(site(), [...ready(t(0), 'a1')]);
    const dto = agentDTO(s, s.agents.get('a2')!, t(100));
    expect(dto.today).toMatchObject({ shiftStart: null, staffedSec: 0 });
  });
});
