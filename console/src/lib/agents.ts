/** Agent-state helpers shared by the supervisor, team and desk pages. */
import type { AgentDTO } from '$contracts/socket.ts';

export const STATE_ICON: Record<AgentDTO['state'], string> = { available: '●', reserved: '◔', onCall: '☎', wrapup: '✎', break: '☕', notReady: '■', offline: '○' };
export const STATE_ORDER: AgentDTO['state'][] = ['reserved', 'onCall', 'wrapup', 'available', 'notReady', 'break', 'offline'];

/** Grid order: busiest states first, then name. */
export function byState(a: AgentDTO, b: AgentDTO): number {
  return STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.name.localeCompare(b.name, 'vi');
}

/** Tokens a supervisor may force: built-in states plus the site's not-ready reasons. */
export function forceableStates(reasons: readonly string[]): string[] {
  return ['available', 'break', ...reasons, 'offline'];
}
