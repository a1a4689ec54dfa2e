/** The call simulator: a pure model on a virtual clock (file mode) or driving a hub (hub mode). */
export { simulate, simulateToEvents, queueFactsOf, type SimResult } from './file-mode.ts';
export {
  runSimulation,
  socketTransport,
  type HubTransport,
  type AgentSession,
  type AgentListeners,
  type HubSimOptions,
  type HubSimCounters,
  type SimulationHandle,
  type SocketTransportOptions,
} from './hub-mode.ts';
export {
  resolveSimOptions,
  expectedArrivals,
  arrivalRate,
  profileAt,
  interleaveAgents,
  DEFAULT_QUEUE_MODELS,
  DEFAULT_BEHAVIOUR,
  type SimOptions,
  type ResolvedSimOptions,
  type QueueModel,
  type AgentBehaviour,
  type ProfileName,
} from './model.ts';
export { SimAgent, planShifts, type AgentPort, type Outcome, type ShiftPlan, type Activity } from './agent.ts';
export { InProcessAcd, type SimCounters, type EventBody } from './acd.ts';
export { vietnameseMobile, scheduleArrivals, CallFactory, type SimCall } from './callers.ts';
export { Rng } from './random.ts';
export { VirtualScheduler, RealtimeScheduler, type Scheduler } from './scheduler.ts';
export { parseDuration, formatDuration, isoInZone, localToUtc, localParts, zoneOffsetMs } from './time.ts';
