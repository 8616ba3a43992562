import { logger } from "../log";
import type { RenderedEmail } from "../mail/render";
import type { ItemKey } from "../record/keys";
import type { Action, ActionUrgency } from "./repository";

/**
 * What the approval service needs to know of a subject (a registration, a case): one describer per
 * subject type, registered by its domain (e.g. `registration/approval-subject.ts`) and loaded for
 * every process through `known-subjects.ts`. The action page, the asking path and the directory's
 * reassignment mail describe any subject through it, without knowing its type.
 */

export interface RequestEmailContext {
  /** Reminders already sent at this level (0: the first ask there). */
  reminders: number;
  /** Asked at a level above the chain's first, with reminders 0. */
  escalated: boolean;
  /** Nobody (reachable) is listed where the request belongs: whoever is asked stands in. */
  approverMissing: boolean;
  /** False for a silent round (no per-item email); the link still works. */
  mail: boolean;
  /** Moved to this addressee because the previous one was removed from the directory. */
  reassigned?: boolean;
}

export interface SubjectView {
  /** The item's village (or kabupaten) code: whose directory is asked, and whose time zone is shown. */
  regionCode: string;
  title: string;
  /** Shown on the action page only (behind the addressee's own secret link), never in email or logs. */
  facts: Array<{ label: string; value: string }>;
  /** Where the work stands now, for pages of links that no longer work. */
  standing: string;
  /** Sensitive subjects (violence, …): emails carry no personal data, only the code, type and level. */
  sensitive: boolean;
  /**
   * The subject's line in the addressees' daily digest (default: `title`, unless sensitive): for a
   * sensitive subject only its code and type, never personal data.
   */
  digestSummary?: string;
  /** How urgent the subject is (a case's urgency); the digest lists the most urgent first. */
  urgency?: ActionUrgency;
  requestEmail(action: Action, context: RequestEmailContext): RenderedEmail;
}

/** What an ask did, for the subject's own audit trail and flags. */
export interface AskedEvent {
  event: "decision-requested" | "reminder-sent" | "escalated";
  step: string;
  /** The chain level asked and the directory level and region code whose people got the links. */
  level: string;
  decidingLevel: string;
  regionCode: string;
  addressees: string[];
  /** Levels where nobody (reachable) is listed, skipped or stood in for. */
  missingLevels: string[];
}

export interface ApprovalSubject {
  type: string;
  /**
   * The subject as `action` may see it (absent: as staff asking about it see it): a describer
   * shows a reporter's action (`audience: "reporter"`) only what the reporter may know.
   */
  load(id: string, action?: Pick<Action, "step" | "audience">): Promise<SubjectView | undefined>;
  /**
   * The subject's item key and its view from that item (both or neither): the ask step then reads
   * the subject and its request in one batched read instead of two.
   */
  stored?: {
    key(id: string): ItemKey;
    view(item: Record<string, unknown>): SubjectView;
    /**
     * The audit-trail item of an ask, written in the ask's own transaction with its links, so a
     * crash cannot keep the links without the event (`asked` is then not called).
     */
    askedItem?(item: Record<string, unknown>, event: AskedEvent): Record<string, unknown>;
  };
  /** Nobody (reachable) is listed at these chain levels: called before anyone is asked (flags). */
  approverMissing?(id: string, levels: string[]): Promise<void>;
  /** Records an ask that mailed someone, or escalated (audit trail). Optional. */
  asked?(id: string, event: AskedEvent): Promise<void>;
}

const subjects = new Map<string, ApprovalSubject>();

export function registerSubject(subject: ApprovalSubject): void {
  subjects.set(subject.type, subject);
}

export function subjectOfType(type: string): ApprovalSubject | undefined {
  const subject = subjects.get(type);
  if (!subject) logger.warn("No describer registered for this subject type", { subjectType: type });
  return subject;
}

/** The subject an action asks about, described for pages and emails; undefined when it is gone. */
export async function describeSubject(
  action: Pick<Action, "subjectType" | "subjectId" | "step" | "audience">,
): Promise<SubjectView | undefined> {
  return subjectOfType(action.subjectType)?.load(action.subjectId, action);
}
