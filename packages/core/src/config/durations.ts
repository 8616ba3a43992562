import { settings } from "./settings";

/**
 * SLA and reminder policy. Workflows never hard-code a duration: each execution receives the scaled
 * values in its input (`$.policy…`) and reads them with TimeoutSecondsPath / SecondsPath, so a policy
 * change needs no redeploy and tests and demos can shrink time with SLA_SCALE.
 */
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** One duration per urgency of a case report. */
const perUrgency = (emergency: number, high: number, normal: number) => ({
  emergencySeconds: emergency,
  highSeconds: high,
  normalSeconds: normal,
});

export const defaultPolicy = {
  recruitment: {
    /** How long the village head has to recommend before a reminder. */
    villageResponseSeconds: 3 * DAY,
    /** Reminders before the request escalates to the district officer. */
    villageReminders: 2,
    /** How long the candidate has to complete Bimtek dasar. */
    basicTrainingSeconds: 180 * DAY,
    /** How long the district officer has to verify before a reminder. */
    districtResponseSeconds: 3 * DAY,
    /** Reminders before the verification escalates to the province. */
    districtReminders: 2,
  },
  cases: {
    /**
     * How long each level has to take a case in (handle, refer or close) before a reminder, by
     * urgency. `ppa` is the kabupaten's UPTD PPA on the violence route: hours, not days.
     */
    response: {
      village: perUrgency(1 * DAY, 3 * DAY, 7 * DAY),
      district: perUrgency(3 * DAY, 3 * DAY, 3 * DAY),
      province: perUrgency(3 * DAY, 3 * DAY, 3 * DAY),
      ppa: perUrgency(6 * HOUR, 6 * HOUR, 6 * HOUR),
    },
    /** How long whoever took the case has to report its outcome, by urgency. */
    handling: perUrgency(3 * DAY, 14 * DAY, 30 * DAY),
    /** Reminders at each level before the case goes to the level above. */
    reminders: 2,
    /** How long the reporter may say the problem is not handled yet; silence leaves it closed. */
    confirmationSeconds: 10 * DAY,
    /**
     * How old one execution may grow before it hands the case over to a new one: at a stage
     * boundary an older execution ends in `Parked` and the reconciler starts the next attempt where
     * the case stands. Well inside Step Functions' one-year limit, since one stage can still run
     * for its own length (about 70 days at most by this policy) after the last boundary.
     */
    executionLifetimeSeconds: 180 * DAY,
  },
  bimtek: {
    /** Reminders to confirmed participants and speakers, as offsets before the start (H-7, H-1). */
    firstReminderSeconds: 7 * DAY,
    secondReminderSeconds: 1 * DAY,
    /** Enrolment closes this long before the start unless the session says otherwise. */
    enrolmentClosesBeforeSeconds: 1 * DAY,
    /** How long someone offered a freed seat has to accept it before it goes to the next. */
    offerClaimSeconds: 2 * DAY,
    /** Attendance can be corrected this long after the end; then certificates go out. */
    certificatesAfterSeconds: 3 * DAY,
    /**
     * The longest one execution waits for a session's next event: a session scheduled further
     * ahead parks and the reconciler starts the next attempt, never near the one-year limit.
     */
    executionLifetimeSeconds: 180 * DAY,
  },
} as const;

type DeepNumberRecord = { readonly [key: string]: number | DeepNumberRecord };

/** Field names ending in `Seconds` are durations and are scaled; other numbers (counts) are not. */
function scale<T extends DeepNumberRecord>(policy: T, factor: number): T {
  const scaled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value === "number") {
      // Step Functions wants whole seconds, and a timeout of at least 1.
      scaled[key] = key.endsWith("Seconds") ? Math.max(1, Math.round(value * factor)) : value;
    } else {
      scaled[key] = scale(value, factor);
    }
  }
  return scaled as T;
}

export type Policy = typeof defaultPolicy;

/** The policy every workflow input draws from, scaled by SLA_SCALE (or the given factor). */
export function workflowPolicy(factor: number = settings().slaScale): Policy {
  return scale(defaultPolicy, factor);
}

/**
 * How long personal data is kept once a record reaches its end state (UU PDP 27/2022), per record
 * type; then it is erased (record/retention.ts). Kept apart from the workflow policy: no execution
 * needs it. Scaled by SLA_SCALE like every duration, so demos and tests can watch it happen.
 */
export const defaultRetention = {
  /** A rejected registration: long enough to answer an objection or a repeat application. */
  rejectedRegistrationSeconds: 365 * DAY,
  /** A closed case: the five years a social-service file is usually kept, for follow-up and audit. */
  closedCaseSeconds: 5 * 365 * DAY,
} as const;

export type RetentionPolicy = typeof defaultRetention;

export function retentionPolicy(factor: number = settings().slaScale): RetentionPolicy {
  return scale(defaultRetention, factor);
}
