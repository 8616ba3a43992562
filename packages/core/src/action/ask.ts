import * as v from "valibot";
import { settings } from "../config/settings";
import { getMany } from "../db/client";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { type Approver, DUTIES, type Duty, type Level, regionAtLevel, resolveDuty } from "../staff/directory";
import { directoryGenerationKey, noteDirectoryGeneration } from "../staff/directory-cache";
import { type DecisionOutcome, decide, prepareAsk } from "./decision";
import { actionKeys } from "./keys";
import { subjectOfType } from "./known-subjects";
import {
  DEFAULT_LEVELS,
  type DutiesByLevel,
  directoryPlace,
  ESCALATION_LEVELS,
  type EscalationLevel,
} from "./levels";
import {
  type Action,
  type ActionAudience,
  type ActionOption,
  actionRef,
  type CurrentRequest,
  createActions,
  type DecisionChoice,
  getAction,
  getCurrentRequest,
  markMailed,
  type RequestSubject,
} from "./repository";
import type { ApprovalSubject, AskedEvent, SubjectView } from "./subjects";

/**
 * The one asking path of every workflow: a `.waitForTaskToken` step asks people for a decision
 * with email links (actions); the link's page decides through `decide` (decision.ts). Asking again
 * for the same level, reminder and round (a resumed execution, a retried task) hands over a
 * decision already recorded or keeps the links already sent. Nobody is mailed "escalated to you"
 * for a request they already hold: their link is re-bound to the new ask, not re-sent.
 */

export interface AskRequest {
  workflow: string;
  subjectType: string;
  subjectId: string;
  /** The step's name in actions and audit trails, e.g. "village-recommendation". */
  step: string;
  /** The chain's first level (a decision above it is made on behalf of the levels below). */
  startLevel: EscalationLevel;
  level: EscalationLevel;
  reminders: number;
  /** Rounds asked without email at the top (after its reminders). */
  silentRounds?: number;
  validForSeconds: number;
  taskToken: string;
  /** The escalation chain; a level with nobody listed falls to the next one up. */
  levels?: readonly EscalationLevel[];
  /** The directory duty asked (default `approver`; the `ppa` level always asks `ppa`). */
  duty?: Duty;
  /** Per chain level, overriding `duty`. */
  duties?: DutiesByLevel;
  /** Explicit people (e.g. the handler who took a case): the directory is not asked. */
  addressees?: Approver[];
  /** False: no email (the top level after its reminders); the links stay valid. */
  mail?: boolean;
  question: string;
  options: ActionOption[];
  /** Who answers (absent: staff); a reporter's page shows only what they may see. */
  audience?: ActionAudience;
  /** The subject's item and the step's request as the caller just read them (`readForAsk`): not read again. */
  read?: ReadForAsk;
}

/** A subject's item and its step's request, read together. */
export interface ReadForAsk {
  item: Record<string, unknown> | undefined;
  current: CurrentRequest | undefined;
}

function dutyAt(request: Pick<AskRequest, "duty" | "duties">, level: EscalationLevel): Duty | undefined {
  return request.duties?.[level] ?? request.duty;
}

interface Addressees {
  people: Approver[];
  /** The chain level whose people these are, and where they are listed. */
  level: EscalationLevel;
  decidingLevel: Level;
  regionCode: string;
  duty: Duty;
  /** Chain levels where nobody (reachable) holds the duty asked. */
  missingLevels: EscalationLevel[];
}

/** The people of `level` (or, when nobody is listed there, the first level up the chain that has some). */
async function findAddressees(
  request: Pick<AskRequest, "level" | "levels" | "duty" | "duties" | "addressees">,
  itemRegion: string,
): Promise<Addressees | undefined> {
  if (request.addressees && request.addressees.length > 0) {
    const place = directoryPlace(request.level, dutyAt(request, request.level));
    return {
      people: request.addressees,
      level: request.level,
      decidingLevel: place.level,
      regionCode: regionAtLevel(itemRegion, place.level),
      duty: place.duty,
      missingLevels: [],
    };
  }
  const chain = request.levels ?? DEFAULT_LEVELS;
  const from = chain.indexOf(request.level);
  const candidates = from >= 0 ? chain.slice(from) : [request.level];
  const missingLevels: EscalationLevel[] = [];
  for (const level of candidates) {
    const place = directoryPlace(level, dutyAt(request, level));
    const found = await resolveDuty(itemRegion, place.level, place.duty);
    // A duty's own fallback (a village head standing in for an empty case-handler entry) is the
    // directory working as documented, not somebody missing.
    if (found) {
      return {
        people: found.people,
        level,
        decidingLevel: found.level,
        regionCode: found.regionCode,
        duty: found.duty,
        missingLevels,
      };
    }
    missingLevels.push(level);
  }
  return undefined;
}

/** Is anybody (reachable) listed at `level` of the chain for this item? */
async function anybodyAt(
  request: Pick<AskRequest, "duty" | "duties">,
  itemRegion: string,
  level: EscalationLevel,
) {
  const place = directoryPlace(level, dutyAt(request, level));
  return (await resolveDuty(itemRegion, place.level, place.duty)) !== undefined;
}

/**
 * The level an approval really asks at: `level`, or — nobody (reachable) listed there — the first
 * level up the chain that has somebody (the top when nobody is listed anywhere: the operator is
 * asked there, once, instead of at every level). An empty level is skipped, never asked.
 */
export async function resolveApprovalLevel(request: {
  subjectType: string;
  subjectId: string;
  level: EscalationLevel;
  levels?: readonly EscalationLevel[];
  duty?: Duty;
  duties?: DutiesByLevel;
  /** The subject's region, when the caller just read the subject: not read again. */
  regionCode?: string;
}): Promise<{ level: EscalationLevel; skipped: EscalationLevel[] }> {
  const regionCode =
    request.regionCode ?? (await subjectOfType(request.subjectType)?.load(request.subjectId))?.regionCode;
  if (regionCode === undefined) {
    throw new AppError("not-found", `${request.subjectType} ${request.subjectId} does not exist`);
  }
  const chain = request.levels ?? DEFAULT_LEVELS;
  const from = Math.max(0, chain.indexOf(request.level));
  const skipped: EscalationLevel[] = [];
  for (const level of chain.slice(from)) {
    if (await anybodyAt(request, regionCode, level)) return { level, skipped };
    skipped.push(level);
  }
  const top = chain[chain.length - 1] ?? request.level;
  logger.warn("Nobody listed at any level of the chain; asking the operator at the top", {
    subjectType: request.subjectType,
    step: "resolve",
    top,
  });
  return { level: top, skipped };
}

/**
 * Asks the people of `request.level` with new action links that supersede the step's previous ones.
 * On an escalation or a silent round, whoever already holds a live link of the request keeps that
 * link (re-bound to this ask, not mailed again); a silent round (`mail: false`) mails nobody.
 */
export async function askForDecision(request: AskRequest): Promise<{ actionRefs: string[] }> {
  const describer = subjectOfType(request.subjectType);
  const subject = { subjectType: request.subjectType, subjectId: request.subjectId, step: request.step };
  const loaded = describer ? await loadForAsk(describer, subject, request.read) : undefined;
  const view = loaded?.view;
  if (!describer || !view) {
    throw new AppError("not-found", `${request.subjectType} ${request.subjectId} does not exist`);
  }
  const mail = request.mail !== false;
  const logged = { subjectType: request.subjectType, step: request.step, reminders: request.reminders };
  let prepared = await prepareAsk(subject, request, loaded?.known);
  let actions: Action[] | undefined;
  let asked: Addressees | undefined;
  // Escalated: asked above the chain's first level after a lower level was asked (a level reached
  // because those below have nobody listed is a first ask, told as such).
  let escalated = request.reminders === 0 && request.level !== request.startLevel;
  let levelChanged = false;
  let carried = 0;
  if (prepared.kind === "ask") {
    const previous = prepared.current;
    asked = await findAddressees(request, view.regionCode);
    const place = directoryPlace(request.level, dutyAt(request, request.level));
    // Nobody listed anywhere up the chain: the operator is asked to fill the directory.
    const resolved: Addressees = asked ?? {
      people: [
        { name: "Operator SIGAP", email: settings().operatorEmail, title: "Penyetuju belum terdaftar" },
      ],
      level: request.level,
      decidingLevel: place.level,
      regionCode: regionAtLevel(view.regionCode, place.level),
      duty: place.duty,
      missingLevels: [request.level],
    };
    asked = resolved;
    // The level below in the chain had nobody: this level stands in for it (told in the email).
    const chain = request.levels ?? DEFAULT_LEVELS;
    const below = chain[chain.indexOf(request.level) - 1];
    if (below && !request.addressees && !(await anybodyAt(request, view.regionCode, below)))
      resolved.missingLevels.unshift(below);
    if (resolved.missingLevels.length > 0 && describer.approverMissing)
      await describer.approverMissing(request.subjectId, resolved.missingLevels);
    levelChanged =
      previous?.approval !== undefined && !previous.appliedAt && previous.approval.level !== request.level;
    escalated &&= levelChanged;
    const held = mail && !levelChanged ? [] : await heldLinks(previous, resolved.people);
    const holders = new Set(held.map((a) => a.addressee.email));
    const fresh = resolved.people.filter((p) => !holders.has(p.email));
    carried = held.length;
    // The ask's audit event lands with its links (one transaction) when the describer can say so:
    // a crash after the email then cannot lose it, and a resumed ask need not write it.
    const trailItem =
      (mail && fresh.length > 0) || levelChanged
        ? describer.stored?.askedItem?.(
            loaded?.item ?? {},
            askedEvent(request, escalated, resolved, [
              ...held.map((a) => a.addressee.email),
              ...fresh.map((p) => p.email),
            ]),
          )
        : undefined;
    actions = await createActions(
      {
        taskToken: request.taskToken,
        workflow: request.workflow,
        ...subject,
        level: resolved.decidingLevel,
        regionCode: resolved.regionCode,
        duty: resolved.duty,
        onBehalf: resolved.level !== request.startLevel,
        approverMissing: resolved.missingLevels.length > 0,
        question: request.question,
        options: request.options,
        ...(request.audience ? { audience: request.audience } : {}),
        // Stored with the link so the daily digest lists it without reading the subject.
        ...digestFields(view),
      },
      fresh,
      request.validForSeconds,
      {
        startLevel: request.startLevel,
        level: request.level,
        reminders: request.reminders,
        ...(request.silentRounds ? { silentRounds: request.silentRounds } : {}),
      },
      held,
      { current: previous },
      trailItem ? [trailItem] : [],
    );
    // Decided between our look and our ask: hand that decision over instead.
    if (!actions) prepared = await prepareAsk(subject, request);
  } else if (prepared.kind === "rebound") {
    actions = prepared.actions;
  }
  if (prepared.kind === "decided") {
    const ref = actionRef(prepared.action.id);
    logger.info("Recorded decision handed to the workflow", { ...logged, actionRef: ref });
    return { actionRefs: [ref] };
  }
  // Decided and applied while we asked: this execution is stale; the failure hands it to the reconciler.
  if (!actions) {
    throw new AppError(
      "conflict",
      `The ${request.step} request of ${request.subjectId} changed while asking`,
    );
  }
  const approverMissing = actions.some((a) => a.approverMissing);
  // Each addressee gets their own link; a crash between sending and marking it sends it again.
  const unsent = mail ? actions.filter((a) => !a.mailedAt) : [];
  for (const action of unsent) {
    await sendMail({
      to: [action.addressee.email],
      ...view.requestEmail(action, { reminders: request.reminders, escalated, approverMissing, mail }),
    });
    await markMailed(action.id);
  }
  const first = actions[0];
  // Written after the email only by a describer that cannot write it with the links (see above).
  if (first && (unsent.length > 0 || levelChanged) && describer.asked && !describer.stored?.askedItem) {
    const event: AskedEvent = {
      ...askedEvent(request, escalated, { decidingLevel: first.level, regionCode: first.regionCode }, []),
      addressees: actions.map((a) => a.addressee.email),
      missingLevels: asked?.missingLevels ?? (approverMissing ? [request.level] : []),
    };
    await describer.asked(request.subjectId, event);
  }
  const actionRefs = actions.map((a) => actionRef(a.id));
  logger.info(prepared.kind === "rebound" ? "Decision request resumed" : "Decision requested", {
    ...logged,
    // `level` is reserved by the logger.
    approvalLevel: first?.level ?? request.level,
    actionRefs,
    mailed: unsent.length,
    carried,
  });
  return { actionRefs };
}

/** What an ask leaves in its subject's audit trail. */
function askedEvent(
  request: Pick<AskRequest, "reminders" | "step" | "level">,
  escalated: boolean,
  asked: Pick<Addressees, "decidingLevel" | "regionCode"> & { missingLevels?: EscalationLevel[] },
  addressees: string[],
): AskedEvent {
  return {
    event: request.reminders > 0 ? "reminder-sent" : escalated ? "escalated" : "decision-requested",
    step: request.step,
    level: request.level,
    decidingLevel: asked.decidingLevel,
    regionCode: asked.regionCode,
    addressees,
    missingLevels: asked.missingLevels ?? [],
  };
}

/**
 * The subject, its step's request and the directory's generation, read together in one consistent
 * batched read when the describer names the subject's item (`stored`) — or as the caller already read
 * them; otherwise the subject alone (the request is read by `prepareAsk`; the directory cache then
 * answers within its time).
 */
async function loadForAsk(
  describer: ApprovalSubject,
  subject: RequestSubject,
  read?: ReadForAsk,
): Promise<{
  view: SubjectView | undefined;
  item?: Record<string, unknown>;
  known?: { current: CurrentRequest | undefined };
}> {
  if (!describer.stored) return { view: await describer.load(subject.subjectId) };
  const { item, current } = read ?? (await readForAsk(subject));
  return {
    view: item ? describer.stored.view(item) : undefined,
    ...(item ? { item } : {}),
    known: { current },
  };
}

/**
 * Reads a subject with a `stored` describer and its step's request in one consistent batched read:
 * for a task that needs the subject itself before asking (e.g. to build its options), then passes
 * the result as `AskRequest.read` so the ask reads nothing again.
 */
export async function readForAsk(subject: RequestSubject): Promise<ReadForAsk> {
  const describer = subjectOfType(subject.subjectType);
  if (!describer?.stored) throw new Error(`${subject.subjectType} has no stored describer`);
  const subjectKey = describer.stored.key(subject.subjectId);
  const requestKey = actionKeys.current(subject.subjectType, subject.subjectId, subject.step);
  // The directory's generation too: a change made in another container is seen before anyone is asked.
  const generationKey = directoryGenerationKey();
  const items = await getMany<Record<string, unknown>>([subjectKey, requestKey, generationKey]);
  const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  noteDirectoryGeneration(find(generationKey));
  return { item: find(subjectKey), current: find(requestKey) as CurrentRequest | undefined };
}

/** What the daily digest shows of the subject: never a sensitive subject's title, only its own summary. */
function digestFields(view: SubjectView): Pick<Action, "summary" | "urgency"> {
  const summary = view.digestSummary ?? (view.sensitive ? undefined : view.title);
  return { ...(summary ? { summary } : {}), ...(view.urgency ? { urgency: view.urgency } : {}) };
}

/** The request's links, still pending (expired or not), held by any of `people`. */
async function heldLinks(previous: CurrentRequest | undefined, people: Approver[]): Promise<Action[]> {
  if (!previous || previous.appliedAt || previous.decidedActionId) return [];
  const emails = new Set(people.map((p) => p.email));
  const held: Action[] = [];
  for (const id of previous.actionIds) {
    const action = await getAction(id);
    if (action?.status === "pending" && emails.has(action.addressee.email)) held.push(action);
  }
  return held;
}

const LevelSchema = v.picklist(ESCALATION_LEVELS);
const DutiesByLevelSchema = v.record(v.picklist(ESCALATION_LEVELS), v.picklist(DUTIES));

/**
 * The payload `approvalStates` (workflow/approval.ts) sends its ask task, `task: "requestDecision"`;
 * each workflow's task handler adds what it knows of its subject (see `askFromTask`). The fields
 * after `taskToken` are absent in executions started before escalation chains: defaults apply.
 */
export const ApprovalAskTask = v.object({
  step: v.string(),
  startLevel: LevelSchema,
  level: LevelSchema,
  reminders: v.pipe(v.number(), v.integer(), v.minValue(0)),
  validForSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  taskToken: v.pipe(v.string(), v.minLength(1)),
  levels: v.optional(v.array(LevelSchema)),
  duties: v.optional(DutiesByLevelSchema),
  mail: v.optional(v.boolean()),
  silentRounds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type ApprovalAskTask = v.InferOutput<typeof ApprovalAskTask>;

/** The payload of `approvalStates`' resolve task, `task: "resolveApprovalLevel"`. */
export const ApprovalResolveTask = v.object({
  step: v.string(),
  level: LevelSchema,
  levels: v.array(LevelSchema),
  duties: v.optional(DutiesByLevelSchema),
});
export type ApprovalResolveTask = v.InferOutput<typeof ApprovalResolveTask>;

/** An ask task's payload, with the subject's own part (who, what is asked), as `askForDecision` takes it. */
export function askFromTask(
  task: ApprovalAskTask,
  subject: Pick<AskRequest, "workflow" | "subjectType" | "subjectId" | "question" | "options"> &
    Partial<Pick<AskRequest, "duty" | "addressees" | "read">>,
): Promise<{ actionRefs: string[] }> {
  const { levels, duties, mail, silentRounds, ...rest } = task;
  return askForDecision({
    ...rest,
    ...subject,
    ...(levels ? { levels } : {}),
    ...(duties ? { duties } : {}),
    ...(mail !== undefined ? { mail } : {}),
    ...(silentRounds !== undefined ? { silentRounds } : {}),
  });
}

/** The addressee of a request answered from a staff endpoint: nobody is mailed, anyone entitled answers. */
const staffDesk = (): Approver => ({
  name: "Petugas Dinas Sosial",
  email: settings().operatorEmail,
  title: "Dijawab melalui SIGAP",
});

/**
 * A wait answered from a staff endpoint, not an email link (e.g. Bimtek dasar completion): its task
 * token is recorded as the step's request in the action table, with no link and no email. Asked
 * again (a new wait after a timeout notice, a restarted execution) it hands over an answer already
 * recorded, or re-binds the pending request to the new task.
 */
export async function awaitStaffAnswer(request: {
  workflow: string;
  subjectType: string;
  subjectId: string;
  step: string;
  taskToken: string;
  validForSeconds: number;
  level: Level;
  regionCode: string;
  question: string;
  options: ActionOption[];
}): Promise<{ actionRefs: string[] }> {
  const subject = { subjectType: request.subjectType, subjectId: request.subjectId, step: request.step };
  const asked = { level: request.level, reminders: 0, taskToken: request.taskToken };
  let prepared = await prepareAsk(subject, asked);
  if (prepared.kind === "ask") {
    const actions = await createActions(
      {
        taskToken: request.taskToken,
        workflow: request.workflow,
        ...subject,
        level: request.level,
        regionCode: request.regionCode,
        onBehalf: false,
        viaStaff: true,
        question: request.question,
        options: request.options,
      },
      [staffDesk()],
      request.validForSeconds,
      { startLevel: request.level, level: request.level, reminders: 0 },
      [],
      { current: prepared.current },
    );
    if (actions) return { actionRefs: actions.map((a) => actionRef(a.id)) };
    prepared = await prepareAsk(subject, asked);
  }
  if (prepared.kind === "decided") return { actionRefs: [actionRef(prepared.action.id)] };
  if (prepared.kind === "rebound") return { actionRefs: prepared.actions.map((a) => actionRef(a.id)) };
  throw new AppError("conflict", `The ${request.step} request of ${request.subjectId} changed while waiting`);
}

/**
 * Answers a step waiting on a staff endpoint through the one decide path (stored first, then handed
 * to the waiting task; applied by the next wait if the task was gone). Undefined when the step has
 * no pending request to answer.
 */
export async function answerStaffRequest(
  subject: RequestSubject,
  choice: DecisionChoice,
): Promise<DecisionOutcome | undefined> {
  const current = await getCurrentRequest(subject);
  for (const id of current?.actionIds ?? []) {
    const action = await getAction(id);
    // Past its deadline but still pending counts: the next wait hands the answer over.
    if (action?.viaStaff && action.status === "pending") return decide(action, choice);
  }
  return undefined;
}
