// Step mode's methods and events (spread into contract.ts's `methods` and `events`): Packet Tracer's simulation
// mode on a running lab — pause, step to the next packet event, step back one, the event list and its explanations.
import { ID, method } from './contract-parts.ts';
import type { EventSpec } from './contract.ts';
import { STEP_PROTOCOLS, type StepEventDetail, type StepEventsPage, type StepState } from './step-types.ts';
import { array, boolean, integer, literal, object, optional, string } from './schema.ts';

/** Bounds of the event ring the user sets. */
export const STEP_LIMIT_MIN = 10;
export const STEP_LIMIT_MAX = 100_000;
export const STEP_LIMIT_DEFAULT = 5000;
/** Events in one page of the list. */
export const STEP_PAGE_MAX = 1000;
const FILTER_MAX = 4096;

const labId = () => string({ pattern: ID, patternName: 'lab id (32 hex digits)' });

export const stepMethods = {
  /** Turns step mode on (the clock pauses; every packet event is recorded, at most `limit`) or off (the list goes). */
  'lab.stepMode': method<StepState>()(
    object({ labId: labId(), on: boolean(), limit: optional(integer({ min: STEP_LIMIT_MIN, max: STEP_LIMIT_MAX })) }),
  ),
  /** Step mode's state now. */
  'lab.stepState': method<StepState>()(object({ labId: labId() })),
  /** Runs the lab to the next packet event and stops there (turns step mode on when it is off). */
  'lab.step': method<StepState>()(object({ labId: labId() })),
  /** Goes back one event: the lab is rebuilt by replaying its journal to that event's instant. */
  'lab.stepBack': method<StepState>()(object({ labId: labId() })),
  /** A page of the event list, filtered by protocols (any of them) and a display filter. */
  'lab.events': method<StepEventsPage>()(
    object({
      labId: labId(),
      offset: integer({ min: 0 }),
      limit: integer({ min: 1, max: STEP_PAGE_MAX }),
      protocols: optional(array(literal(...STEP_PROTOCOLS), { max: STEP_PROTOCOLS.length })),
      filter: optional(string({ max: FILTER_MAX })),
    }),
  ),
  /** One event: its layers in plain words, its detail tree and its bytes. */
  'lab.stepEvent': method<StepEventDetail>()(object({ labId: labId(), seq: integer({ min: 1 }) })),
} as const;

export const stepEvents = {
  /** Step mode's state changed (a step, a step back, events recorded while playing; throttled). */
  onStepState: {} as EventSpec<{ labId: string; state: StepState }>,
} as const;
