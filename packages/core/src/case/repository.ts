import { randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { conditionFailed, db, queryAll, queryByPrefix } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { type Page, queryPage } from "../db/pages";
import { AppError } from "../error";
import { maskNik } from "../identity/nik";
import { decrypt, encrypt, hashNik, hashReceipt, hashSubmission } from "../identity/protect";
import { ERASE_DUE_ATTRIBUTES, eraseDueMark } from "../record/erasure";
import {
  bindKeyTo,
  type KeyedSubmission,
  type Replayed,
  settleKeyed,
  withKeyRecord,
} from "../record/idempotency";
import { newRecordId } from "../record/ids";
import * as trail from "../record/trail";
import { writeTransition } from "../record/transition";
import { regionLevel } from "../region/regions";
import { activeMemberId } from "../registration/repository";
import { tableName } from "../resources";
import { regionAtLevel } from "../staff/directory";
import { startPending } from "../workflow/executions";
import { caseKeys as keys } from "./keys";
import type {
  Actor,
  Case,
  CaseEvent,
  CaseLevel,
  CaseOutcome,
  CaseStage,
  CaseStatus,
  FoldedReport,
  Urgency,
} from "./model";
import { ppksType } from "./ppks";
import type { CaseInput } from "./schema";

/** The workflow that carries every case (case/escalation.workflow.ts). */
export const CASE_WORKFLOW = "case-escalation";

// ---------------------------------------------------------------------------------------------
// Ids and tracking codes

/** `c` + 12 characters of a–z0–9 (see `CASE_ID_PATTERN`). */
const newCaseId = () => newRecordId("c");

/** Readable on a phone and over the phone: no 0/O, 1/I/L (as receipt codes). */
const TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function newTrackingCode(): string {
  const chars = Array.from({ length: 8 }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

const normalizeTracking = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");
/** Keyed like receipt codes: a leaked table gives no way to test guesses. */
const trackingHash = (code: string) => `hmac1.${hashReceipt(normalizeTracking(code))}`;

/** Does `code` open this case's tracking view? Constant-time per stored code. */
export function trackingMatches(found: Case, code: string): boolean {
  const candidate = Buffer.from(trackingHash(code));
  let matched = false;
  for (const stored of found.trackingHashes) {
    const expected = Buffer.from(stored);
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate)) matched = true;
  }
  return matched;
}

// ---------------------------------------------------------------------------------------------
// The audit trail and the access trail (the shared record module, as for registrations)

const eventItem = (id: string, event: CaseEvent) => trail.eventItem(keys.trail(id), event);

export function listEvents(id: string): Promise<CaseEvent[]> {
  return trail.listEvents<CaseEvent>(keys.trail(id));
}

/** Records that a staff member read a case's details (UU PDP). */
export function recordCaseAccess(id: string, actor: Actor, purpose: string): Promise<void> {
  return trail.recordAccess(keys.trail(id), actor, purpose);
}

/** The reports folded into a case, as the handler reads them: their own text, not the table's keys. */
export async function listFoldedReports(id: string): Promise<FoldedReport[]> {
  const items = await queryByPrefix<FoldedReport & { pk?: string; sk?: string; entity?: string }>(
    keys.foldedReportPrefix(id),
  );
  return items.map(({ pk: _pk, sk: _sk, entity: _entity, ...report }) => report);
}

export async function getCase(id: string): Promise<Case | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.case(id) }));
  return Item as Case | undefined;
}

// ---------------------------------------------------------------------------------------------
// Anonymous reports: a quota per client and per village, and near-duplicates folded

/** Anonymous reports one client (network address) may send, and one village may receive, per window. */
export const anonymousQuota = { windowSeconds: 3600, perClient: 5, perVillage: 20 };

/** An open case of the same village and type reported this recently takes an anonymous report in. */
const FOLD_WINDOW_MS = 72 * 3600 * 1000;
/** Possible duplicates: same village, type and a similar subject name within this window. */
const DUPLICATE_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** At most this many links per case; more add nothing a handler can use. */
const MAX_DUPLICATE_LINKS = 5;
/** A case takes at most this many folded reports (tracking codes); a flood past it is refused. */
const MAX_FOLDED_REPORTS = 50;

interface Quota {
  scope: "client" | "village";
  subject: string;
  limit: number;
}

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Another report taking the same quota at the same instant: tried again this many times in all. */
const QUOTA_CONFLICT_ATTEMPTS = 4;

/**
 * Appends a report's quota Updates to the transaction that saves it (a new case, or a fold), so
 * only a saved report spends quota: a replay, a refused reused key or a raced double click spends
 * nothing, and it costs no call of its own. `placed` says where each quota sits, for `overQuota`.
 * (Like `withKeyRecord`, which then appends the key's record after them.)
 */
function withQuotas(items: readonly TransactItem[], quotas: readonly Quota[], nowMs: number) {
  const windowMs = anonymousQuota.windowSeconds * 1000;
  const window = Math.floor(nowMs / windowMs);
  const updates: TransactItem[] = quotas.map((quota) => ({
    Update: {
      TableName: tableName(),
      Key: keys.anonymousQuota(quota.scope, quota.subject, window),
      UpdateExpression: "ADD reports :one SET entity = :entity, expiresAt = :expires",
      ConditionExpression: "attribute_not_exists(reports) OR reports < :limit",
      ExpressionAttributeValues: {
        ":one": 1,
        ":limit": quota.limit,
        ":entity": "case-quota",
        ":expires": Math.ceil(((window + 2) * windowMs) / 1000),
      },
    },
  }));
  return {
    items: [...items, ...updates],
    placed: quotas.map((quota, offset) => ({ quota, index: items.length + offset })),
  };
}

type PlacedQuotas = ReturnType<typeof withQuotas>["placed"];

/** The 429 (with Retry-After) for the first quota whose condition failed in the transaction, if any. */
function overQuota(error: unknown, placed: PlacedQuotas, nowMs: number): AppError | undefined {
  const spent = placed.find(({ index }) => conditionFailed(error, index));
  if (!spent) return undefined;
  const windowMs = anonymousQuota.windowSeconds * 1000;
  const window = Math.floor(nowMs / windowMs);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - nowMs) / 1000));
  return new AppError(
    "rate-limited",
    "Terlalu banyak laporan anonim",
    spent.quota.scope === "client"
      ? "Anda sudah mengirim banyak laporan anonim dalam satu jam terakhir. Coba lagi nanti, atau kirim laporan dengan nama dan nomor telepon Anda."
      : "Desa/kelurahan ini sudah menerima banyak laporan anonim dalam satu jam terakhir. Coba lagi nanti, atau kirim laporan dengan nama dan nomor telepon Anda.",
    undefined,
    { retryAfterSeconds: retryAfter },
  );
}

/** Only quota items met another transaction (two reports of one client or village at once). */
function quotaConflictOnly(error: unknown, placed: PlacedQuotas): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const quotaIndexes = new Set(placed.map(({ index }) => index));
  const failed = (error.CancellationReasons ?? [])
    .map((reason, index) => ({ code: reason.Code, index }))
    .filter(({ code }) => code && code !== "None");
  return (
    failed.length > 0 &&
    failed.every(({ code, index }) => code === "TransactionConflict" && quotaIndexes.has(index))
  );
}

/**
 * Sends a report's transaction. A conflict on a quota item alone is tried again after a short
 * random pause: a single UpdateItem (as the quota once was) would have waited its turn, and a
 * village's flood must not turn into 503s.
 */
async function sendReport(items: TransactItem[], placed: PlacedQuotas): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (attempt >= QUOTA_CONFLICT_ATTEMPTS || !quotaConflictOnly(error, placed)) throw error;
      await new Promise((resolve) => setTimeout(resolve, randomInt(5, 20 * 2 ** attempt)));
    }
  }
}

/**
 * Who counts as one client for the per-client quota: an IPv4 address, or the /64 prefix of an IPv6
 * one — a subscriber gets a whole /64 and may pick any address in it, so one phone could otherwise
 * send without limit. An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is its IPv4 address.
 */
export function quotaClient(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  const bare = address.split("%")[0] ?? address;
  if (!isIPv6(bare)) return address;
  const [head = "", tail] = bare.toLowerCase().split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const leading = groups(head);
  const trailing = tail === undefined ? [] : groups(tail);
  // "::" stands for the missing zero groups; an embedded IPv4 tail ("::ffff:1.2.3.4") fills two.
  const tailWidth = trailing.length + (trailing.at(-1)?.includes(".") ? 1 : 0);
  const expanded = [
    ...leading,
    ...Array<string>(Math.max(0, 8 - leading.length - tailWidth)).fill("0"),
    ...trailing,
  ];
  const prefix = expanded.slice(0, 4).map((group) => Number.parseInt(group || "0", 16).toString(16));
  return `${prefix.join(":")}::/64`;
}

/** Lowercase letters and digits, words sorted: "Budi  Santoso" and "santoso, budi" compare equal. */
function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(" ");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names a reporter might spell differently for one person ("Siti Aminah" / "siti aminah", "Siti Amina"). */
export function similarNames(a: string, b: string): boolean {
  const left = nameKey(a);
  const right = nameKey(b);
  if (!left || !right) return false;
  if (left === right) return true;
  const longest = Math.max(left.length, right.length);
  return editDistance(left, right) <= Math.max(1, Math.floor(longest / 6));
}

/**
 * Cases of one village and type created since `since`, newest first: their keys from the region
 * index (it projects ppksType for the filter), then the cases themselves, read consistently (a
 * fold or a duplicate link acts on what they are now).
 */
async function villageCasesSince(villageCode: string, type: string, since: string): Promise<Case[]> {
  const range = keys.villageSince(villageCode, since);
  const entries = await queryAll<Record<string, unknown>>({
    TableName: tableName(),
    IndexName: "gsi2lean",
    KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
    FilterExpression: "ppksType = :type",
    ExpressionAttributeValues: {
      ":pk": keys.provincePartition(villageCode),
      ":from": range.from,
      ":to": range.to,
      ":type": type,
    },
    ScanIndexForward: false,
  });
  return itemsOf<Case>(entries);
}

const URGENCY_RANK: Record<Urgency, number> = { normal: 0, high: 1, emergency: 2 };

/** Both name the same person (similar names), or neither names anyone. */
function sameSubject(report: string | undefined, open: string | undefined): boolean {
  if (!report || !open) return !report && !open;
  return similarNames(report, open);
}

/**
 * The open case an anonymous report of this village and type folds into, if any: only a near-copy
 * of it. A report more urgent than that case is its own case (its deadlines are the urgency's), and
 * a report naming someone is not folded into one naming nobody or someone else. (Violence reports
 * are never folded: the caller does not ask.)
 */
async function foldTarget(input: CaseInput, nowMs: number): Promise<Case | undefined> {
  const since = new Date(nowMs - FOLD_WINDOW_MS).toISOString();
  const recent = await villageCasesSince(input.villageCode, input.ppksType, since);
  return recent.find(
    (found) =>
      found.status !== "closed" &&
      found.trackingHashes.length < MAX_FOLDED_REPORTS &&
      URGENCY_RANK[input.urgency] <= URGENCY_RANK[found.urgency] &&
      sameSubject(input.subject.name, found.subject.name),
  );
}

// ---------------------------------------------------------------------------------------------
// The same submission again (a double click, a retry after a timeout, no Idempotency-Key)

/** How long the same submission again answers with the case the first one got. */
const RESUBMISSION_WINDOW_SECONDS = 24 * 3600;

interface SubmissionRecord {
  caseId: string;
  /** The tracking code the first submission was given (only the case's hash of it is kept there). */
  trackingEncrypted: string;
  /** Epoch seconds: the table's TTL attribute. */
  expiresAt: number;
}

/** The put of a submission's record, in the transaction that saves its report; refused while one is live. */
function submissionPut(submissionHash: string, caseId: string, trackingCode: string, nowMs: number) {
  const nowSeconds = Math.floor(nowMs / 1000);
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.submission(submissionHash),
        entity: "case-submission",
        caseId,
        trackingEncrypted: encrypt(trackingCode),
        expiresAt: nowSeconds + RESUBMISSION_WINDOW_SECONDS,
      },
      // DynamoDB deletes expired items late: an expired record is replaced, not honoured.
      ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
      ExpressionAttributeValues: { ":now": nowSeconds },
    },
  };
}

/** The case this exact submission already got within the window, with its tracking code. */
async function sameSubmission(submissionHash: string, nowMs: number): Promise<CreatedCase | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.submission(submissionHash), ConsistentRead: true }),
  );
  const record = Item as SubmissionRecord | undefined;
  if (!record || record.expiresAt * 1000 <= nowMs) return undefined;
  const found = await getCase(record.caseId);
  if (!found) return undefined;
  return { case: found, trackingCode: decrypt(record.trackingEncrypted), folded: false, resubmitted: true };
}

/** Earlier cases that may be this one: the same subject NIK, or the same village, type and a similar name. */
async function possibleDuplicates(input: CaseInput, nikHash: string | undefined, nowMs: number) {
  const ids = new Set<string>();
  if (nikHash) {
    for (const claim of await queryByPrefix<{ caseId: string }>(keys.subjectNikPrefix(nikHash))) {
      ids.add(claim.caseId);
    }
  }
  const name = input.subject.name;
  if (name) {
    const since = new Date(nowMs - DUPLICATE_WINDOW_MS).toISOString();
    for (const found of await villageCasesSince(input.villageCode, input.ppksType, since)) {
      if (found.subject.name && similarNames(name, found.subject.name)) ids.add(found.id);
    }
  }
  return [...ids].slice(0, MAX_DUPLICATE_LINKS);
}

/** The active PSM of the case's kabupaten/kota whose member number the reporter gave. */
async function activePsm(memberNumber: string, villageCode: string): Promise<string | undefined> {
  const kabupaten = regionAtLevel(villageCode, "district");
  // Member numbers carry their kabupaten (`PSM-3205-000001`): another one's cannot match.
  if (!memberNumber.startsWith(`PSM-${kabupaten.replace(".", "")}-`)) return undefined;
  return activeMemberId(kabupaten, memberNumber);
}

// ---------------------------------------------------------------------------------------------
// Intake

export interface CreatedCase {
  case: Case;
  trackingCode: string;
  /** The report was folded into an existing open case (an anonymous near-duplicate). */
  folded: boolean;
  /** The same submission arrived earlier (within a day): this is that report's case and tracking code. */
  resubmitted: boolean;
}

/**
 * Saves a report. The same submission again (every field identical, within a day) answers with the
 * first one's case and tracking code and saves nothing. An anonymous report takes its quota (per
 * client; per village too unless it is a violence report, which is anonymous by default and must
 * never be silenced by others' junk) in the transaction that saves it, so a replay or a refusal
 * spends none; and, unless it is a violence report, it folds into an open
 * case of the same village and type from the last 72 hours that it nearly copies (see
 * `foldTarget`): the reporter gets their own tracking code for that case, and the handler one case,
 * not a flood. Otherwise a new case is saved with its first audit event, its submission record, its
 * subject-NIK index entry and links to possible duplicates (both ways) in one transaction;
 * duplicates are flagged, never refused.
 * `client` is the sender's network address (for the anonymous quota only; kept only as a keyed hash).
 */
export function createCase(input: CaseInput, context: { client: string }): Promise<CreatedCase>;
/**
 * With an Idempotency-Key (`keyed`), its record is one more conditional Put in the transaction that
 * saves the report (a new case, or a fold): a retry of the same report replays the first answer.
 */
export function createCase(
  input: CaseInput,
  context: { client: string; keyed?: KeyedSubmission | undefined },
): Promise<CreatedCase | Replayed<CaseReceipt>>;
export async function createCase(
  input: CaseInput,
  context: { client: string; keyed?: KeyedSubmission | undefined },
): Promise<CreatedCase | Replayed<CaseReceipt>> {
  const { keyed } = context;
  const at = nowIso();
  const nowMs = Date.parse(at);
  const type = ppksType(input.ppksType);
  if (!type) throw new AppError("validation", "Jenis PPKS tidak dikenal");
  const trackingCode = newTrackingCode();
  const submissionHash = hashSubmission({ ...input });
  // Answered by content (the same report sent before), a keyed one only if its key agrees: the key's
  // record is checked, or bound to that answer when unused, so one key never answers two reports.
  const resent = async (earlier: CreatedCase) =>
    (keyed && (await bindKeyTo(keyed, caseReceipt(earlier.case, earlier.trackingCode)))) || earlier;
  const earlier = await sameSubmission(submissionHash, nowMs);
  if (earlier) return resent(earlier);

  const anonymous = input.reporter.kind === "anonymous";
  // Taken in the transaction that saves the report (see `withQuotas`), so only a saved report spends.
  const quotas: Quota[] = anonymous
    ? [
        {
          scope: "client",
          subject: hashSubmission({ client: quotaClient(context.client) }),
          limit: anonymousQuota.perClient,
        },
        ...(type.violence
          ? []
          : [{ scope: "village" as const, subject: input.villageCode, limit: anonymousQuota.perVillage }]),
      ]
    : [];
  if (anonymous) {
    if (!type.violence) {
      const target = await foldTarget(input, nowMs);
      if (target) {
        const submission = submissionPut(submissionHash, target.id, trackingCode, nowMs);
        const receipt = caseReceipt(target, trackingCode);
        const folded = await foldReport(target, input, trackingCode, at, {
          submission,
          quotas,
          nowMs,
          ...(keyed ? { once: { keyed, receipt } } : {}),
        });
        if (folded && "replayed" in folded) return folded;
        if (folded) return { case: folded, trackingCode, folded: true, resubmitted: false };
        // Refused: the case changed meanwhile (then a case of its own), or this very submission won a race.
        const raced = await sameSubmission(submissionHash, nowMs);
        if (raced) return resent(raced);
      }
    }
  }

  const id = newCaseId();
  const { nik, ...subject } = input.subject;
  const nikHash = nik ? hashNik(nik) : undefined;
  const duplicates = await possibleDuplicates(input, nikHash, nowMs);
  const psmRegistrationId =
    input.reporter.kind === "psm" && input.reporter.memberNumber
      ? await activePsm(input.reporter.memberNumber, input.villageCode)
      : undefined;
  const flags = [
    ...(duplicates.length > 0 ? ["possible-duplicate"] : []),
    ...(psmRegistrationId ? ["psm-attributed"] : []),
  ];
  const warnings = [...input.warnings];
  if (input.reporter.kind === "psm" && input.reporter.memberNumber && !psmRegistrationId) {
    warnings.push("Nomor anggota PSM pelapor tidak ditemukan di antara PSM aktif kabupaten/kota ini.");
  }
  const level: CaseLevel = type.violence ? "ppa" : "village";
  const created: Case = {
    id,
    status: "reported",
    level,
    stage: "response",
    createdAt: at,
    updatedAt: at,
    ppksType: type.code,
    conditions: input.conditions,
    urgency: input.urgency,
    villageCode: input.villageCode,
    location: input.location,
    ...(input.coordinates ? { coordinates: input.coordinates } : {}),
    description: input.description,
    subject: {
      ...subject,
      ...(nik && nikHash ? { nikMasked: maskNik(nik), nikEncrypted: encrypt(nik), nikHash } : {}),
    },
    reporter: { ...input.reporter, ...(psmRegistrationId ? { psmRegistrationId } : {}) },
    sensitive: type.sensitive,
    violence: type.violence,
    child: type.child,
    lawfulBasis: type.violence || input.urgency === "emergency" ? "vital-interest" : "public-task",
    trackingHashes: [trackingHash(trackingCode)],
    trackingEncrypted: encrypt(trackingCode),
    reportCount: 1,
    ...(duplicates.length > 0 ? { possibleDuplicates: duplicates } : {}),
    ...(flags.length > 0 ? { flags } : {}),
    warnings,
  };
  const first: CaseEvent = {
    at,
    event: "reported",
    status: "reported",
    level,
    actor: input.reporter.kind === "anonymous" ? { kind: "system" } : { kind: "applicant" },
  };
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.case(id),
          ...keys.byStatus("reported", at, id),
          ...keys.byRegion(created.villageCode, at, id),
          // Cleared once its execution starts; a crash before that leaves it to the reconciler.
          ...startPending(CASE_WORKFLOW, id),
          entity: "case",
          ...created,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    { Put: { TableName: tableName(), Item: eventItem(id, first) } },
    submissionPut(submissionHash, id, trackingCode, nowMs),
  ];
  if (nikHash) {
    items.push({
      Put: {
        TableName: tableName(),
        Item: { ...keys.subjectNik(nikHash, at, id), entity: "case-subject-nik", caseId: id, createdAt: at },
      },
    });
  }
  // The earlier case learns of the later one too, so whoever handles it sees the link.
  for (const earlier of duplicates) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: keys.case(earlier),
        UpdateExpression:
          "SET possibleDuplicates = list_append(if_not_exists(possibleDuplicates, :empty), :later), flags = list_append(if_not_exists(flags, :empty), :flag)",
        ConditionExpression:
          "attribute_exists(pk) AND (attribute_not_exists(possibleDuplicates) OR size(possibleDuplicates) < :max)",
        ExpressionAttributeValues: {
          ":empty": [],
          ":later": [id],
          ":flag": ["possible-duplicate"],
          ":max": 20,
        },
      },
    });
  }
  const save = async (transactItems: typeof items) => {
    const withQuota = withQuotas(transactItems, quotas, nowMs);
    const { items: all, recordIndex } = withKeyRecord(
      withQuota.items,
      keyed,
      caseReceipt(created, trackingCode),
    );
    try {
      await sendReport(all, withQuota.placed);
    } catch (error) {
      const replayed = keyed && (await settleKeyed<CaseReceipt>(keyed, error, recordIndex));
      if (replayed) return replayed;
      // The same submission saved meanwhile (a double click racing itself): answer with that one.
      const raced = conditionFailed(error, SUBMISSION_ITEM) && (await sameSubmission(submissionHash, nowMs));
      if (raced) return resent(raced);
      throw overQuota(error, withQuota.placed, nowMs) ?? error;
    }
    return undefined;
  };
  try {
    const raced = await save(items);
    if (raced) return raced;
  } catch (error) {
    // An earlier case that is full of links (or gone) is not worth losing the report for.
    if (!conditionFailed(error) || duplicates.length === 0) throw error;
    const raced = await save(items.slice(0, nikHash ? SUBMISSION_ITEM + 2 : SUBMISSION_ITEM + 1));
    if (raced) return raced;
  }
  return { case: created, trackingCode, folded: false, resubmitted: false };
}

/** What a keyed report's record keeps to answer a retry: the tracking code only encrypted. */
export interface CaseReceipt {
  id: string;
  trackingEncrypted: string;
  /** Who handles it first (the village, or the UPTD PPA …); absent from records written before it was kept. */
  level?: CaseLevel;
}

export const caseReceipt = (saved: Case, trackingCode: string): CaseReceipt => ({
  id: saved.id,
  trackingEncrypted: encrypt(trackingCode),
  level: saved.level,
});

/** Where the submission record sits in a new case's transaction (after the case and its first event). */
const SUBMISSION_ITEM = 2;
/** Where it sits in a fold's (after the case's update, the report and the event). */
const FOLD_SUBMISSION_ITEM = 3;

/** Adds an anonymous report to an open case; undefined when the case changed meanwhile (then a new case). */
async function foldReport(
  target: Case,
  input: CaseInput,
  trackingCode: string,
  at: string,
  saving: {
    submission: ReturnType<typeof submissionPut>;
    quotas: readonly Quota[];
    nowMs: number;
    once?: { keyed: KeyedSubmission; receipt: CaseReceipt };
  },
): Promise<Case | Replayed<CaseReceipt> | undefined> {
  const { submission, once } = saving;
  const report: FoldedReport = {
    at,
    location: input.location,
    description: input.description,
    urgency: input.urgency,
    ...(input.subject.name ? { subjectName: input.subject.name } : {}),
  };
  const event: CaseEvent = {
    at,
    event: "report-folded",
    status: target.status,
    level: target.level,
    actor: { kind: "system" },
  };
  const hash = trackingHash(trackingCode);
  const withQuota = withQuotas(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.case(target.id),
          UpdateExpression:
            "SET trackingHashes = list_append(trackingHashes, :hash), updatedAt = :at ADD reportCount :one",
          ConditionExpression: "attribute_exists(pk) AND #status <> :closed AND size(trackingHashes) < :max",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":hash": [hash],
            ":at": at,
            ":one": 1,
            ":closed": "closed",
            ":max": MAX_FOLDED_REPORTS,
          },
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.foldedReport(target.id, at, randomBytes(3).toString("hex")),
            entity: "case-report",
            ...report,
          },
        },
      },
      { Put: { TableName: tableName(), Item: eventItem(target.id, event) } },
      submission,
    ],
    saving.quotas,
    saving.nowMs,
  );
  const { items, recordIndex } = withKeyRecord(withQuota.items, once?.keyed, once?.receipt ?? {});
  try {
    await sendReport(items, withQuota.placed);
  } catch (error) {
    const replayed = once && (await settleKeyed<CaseReceipt>(once.keyed, error, recordIndex));
    if (replayed) return replayed;
    // A raced double click is answered as a resend by the caller (it spends nothing), not refused.
    const refused =
      !conditionFailed(error, FOLD_SUBMISSION_ITEM) && overQuota(error, withQuota.placed, saving.nowMs);
    if (refused) throw refused;
    // The case changed meanwhile, or this very submission won a race: the caller looks again.
    if (conditionFailed(error)) return undefined;
    throw error;
  }
  return {
    ...target,
    trackingHashes: [...target.trackingHashes, hash],
    reportCount: target.reportCount + 1,
    updatedAt: at,
  };
}

// ---------------------------------------------------------------------------------------------
// Transitions (the workflow's and staff's changes)

export interface CaseTransition {
  event: string;
  actor: Actor;
  note?: string;
  status?: CaseStatus;
  level?: CaseLevel;
  stage?: CaseStage;
  /** Only apply while the case is at this stage / status / level (a decision must not land twice). */
  expectedStage?: CaseStage;
  expectedStatus?: CaseStatus;
  expectedLevel?: CaseLevel;
  set?: Partial<
    Pick<Case, "outcome" | "outcomeSummary" | "dueAt" | "assignee" | "flags" | "closedAt" | "workflowAttempt">
  >;
  /** Attributes to clear (e.g. `dueAt` when nothing waits any more, `outcome` on reopening). */
  remove?: Array<"dueAt" | "assignee" | "outcome" | "outcomeSummary" | "closedAt">;
}

/** Applies a change and appends it to the audit trail, in one transaction. */
export async function recordCaseTransition(id: string, transition: CaseTransition): Promise<Case> {
  const current = await getCase(id);
  if (!current) throw new AppError("not-found", "Kasus tidak ditemukan");
  const at = nowIso();
  const status = transition.status ?? current.status;
  const level = transition.level ?? current.level;
  const stage = transition.stage ?? current.stage;
  const set = transition.set ?? {};
  const removes: string[] = (transition.remove ?? []).filter((name) => !(name in set));
  // Reopened: its personal data no longer waits for erasure.
  if (current.status === "closed" && status !== "closed") removes.push(...ERASE_DUE_ATTRIBUTES);
  const event: CaseEvent = {
    at,
    event: transition.event,
    status,
    level,
    actor: transition.actor,
    ...(transition.note ? { note: transition.note } : {}),
  };
  const expect = Object.fromEntries(
    [
      ["stage", transition.expectedStage],
      ["status", transition.expectedStatus],
      ["level", transition.expectedLevel],
    ].filter(([, expected]) => expected !== undefined),
  );
  const applied = await writeTransition({
    key: keys.case(id),
    trail: keys.trail(id),
    // Only what this transition changes: an event-only transition (a note, a request asked) must not
    // write back the status, level and stage it read, over a change made meanwhile.
    set: {
      ...(transition.status !== undefined ? { status } : {}),
      ...(transition.level !== undefined ? { level } : {}),
      ...(transition.stage !== undefined ? { stage } : {}),
      updatedAt: at,
      ...set,
      ...(status !== current.status ? { gsi1pk: keys.byStatus(status, current.createdAt, id).gsi1pk } : {}),
      // Closed: the personal data waits on the erase-due index for its retention period.
      ...(status === "closed" && current.status !== "closed"
        ? eraseDueMark("case", id, "closedCaseSeconds", at)
        : {}),
    },
    remove: removes,
    expect,
    event,
  });
  if (!applied) {
    throw new AppError("conflict", "Kasus sudah berubah", "Langkah ini sudah diputuskan sebelumnya.");
  }
  const updated: Case = { ...current, ...set, status, level, stage, updatedAt: at };
  for (const name of transition.remove ?? []) if (!(name in set)) delete updated[name];
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Staff lists and reports

export interface CaseFilter {
  status?: CaseStatus;
  level?: CaseLevel;
  /** Only cases whose waiting step is past its deadline (and not closed). */
  overdue?: boolean;
}

/** Is the case's waiting step past its deadline? */
export function isOverdue(found: Pick<Case, "status" | "dueAt">, at: string = nowIso()): boolean {
  return found.status !== "closed" && found.dueAt !== undefined && found.dueAt < at;
}

/** The gsi2 query of one region (a province, kabupaten, kecamatan or village), newest village code first. */
function regionQuery(regionCode: string, filter: CaseFilter) {
  const wholeProvince = regionCode.length === 2;
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":pk": keys.provincePartition(regionCode) };
  if (!wholeProvince) {
    // A whole code, never a longer one that starts alike: `32.05.` / `32.05.22.2001#`.
    values[":prefix"] = `${regionCode}${regionLevel(regionCode) === "village" ? "#" : "."}`;
  }
  if (filter.status) {
    conditions.push("#status = :status");
    names["#status"] = "status";
    values[":status"] = filter.status;
  }
  if (filter.level) {
    conditions.push("#level = :level");
    names["#level"] = "level";
    values[":level"] = filter.level;
  }
  if (filter.overdue) {
    conditions.push("dueAt < :now AND #open <> :closed");
    names["#open"] = "status";
    values[":now"] = nowIso();
    values[":closed"] = "closed";
  }
  return {
    TableName: tableName(),
    IndexName: "gsi2lean",
    KeyConditionExpression: wholeProvince ? "gsi2pk = :pk" : "gsi2pk = :pk AND begins_with(gsi2sk, :prefix)",
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(" AND ") } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}

/**
 * One page of the cases in the given regions (each a whole region; an admin passes every
 * province): keys (and the filtered attributes) from the region index, then the cases by key.
 */
export async function listCasePage(
  regionCodes: string[],
  filter: CaseFilter,
  page: { limit: number; cursor?: string },
): Promise<Page<Case>> {
  const entries = await queryPage<Record<string, unknown>>(
    regionCodes.map((code) => regionQuery(code, filter)),
    keys.regionPageKey,
    {
      ...page,
      binding: `cases|${regionCodes.join(",")}|${filter.status ?? ""}|${filter.level ?? ""}|${filter.overdue ? "overdue" : ""}`,
    },
  );
  return { ...entries, items: await itemsOf<Case>(entries.items) };
}

export interface CaseCounts {
  total: number;
  byType: Partial<Record<string, number>>;
  byStatus: Partial<Record<CaseStatus, number>>;
  byLevel: Partial<Record<CaseLevel, number>>;
  byOutcome: Partial<Record<CaseOutcome, number>>;
  overdue: number;
}

/**
 * Counts of a region's cases by type, status, level and outcome, and how many are overdue: one
 * query of the region index reading only the counted attributes, never a table scan.
 */
export async function countCases(regionCode: string): Promise<CaseCounts> {
  const query = regionQuery(regionCode, {});
  const found = await queryAll<Pick<Case, "ppksType" | "status" | "level" | "outcome" | "dueAt">>({
    ...query,
    ProjectionExpression: "ppksType, #status, #level, outcome, dueAt",
    ExpressionAttributeNames: { "#status": "status", "#level": "level" },
  });
  const at = nowIso();
  const counts: CaseCounts = { total: 0, byType: {}, byStatus: {}, byLevel: {}, byOutcome: {}, overdue: 0 };
  const bump = <K extends string>(into: Partial<Record<K, number>>, key: K) => {
    into[key] = (into[key] ?? 0) + 1;
  };
  for (const item of found) {
    counts.total += 1;
    bump(counts.byType, item.ppksType);
    bump(counts.byStatus, item.status);
    bump(counts.byLevel, item.level);
    if (item.outcome) bump(counts.byOutcome, item.outcome);
    if (isOverdue(item, at)) counts.overdue += 1;
  }
  return counts;
}
