/** A registration id: 12 characters of a–z0–9 (62 bits; see the repository's `newId`). */
export const REGISTRATION_ID_PATTERN = /^[a-z0-9]{12}$/;

import type { RecordTrail } from "../record/keys";

/** Every DynamoDB key of the registration domain, built here and nowhere else. */
export type RegistrationStatus = "submitted" | "candidate" | "active" | "rejected";

export const registrationKeys = {
  registration: (id: string) => ({ pk: `REG#${id}`, sk: "REG" }),
  /** One per NIK (by its keyed hash): the database's guarantee of one registration per person. */
  nikClaim: (nikHash: string) => ({ pk: `NIK#${nikHash}`, sk: "NIK" }),
  /** The audit trail: every change, with actor and time, in order. */
  /** Sorted by time; the random suffix keeps two events of one millisecond apart. */
  event: (id: string, at: string, suffix: string) => ({ pk: `REG#${id}`, sk: `EVENT#${at}#${suffix}` }),
  /** Who read the sensitive details, and when (UU PDP): kept beside the audit trail. */
  access: (id: string, at: string, suffix: string) => ({ pk: `REG#${id}`, sk: `ACCESS#${at}#${suffix}` }),
  eventPrefix: (id: string) => ({ pk: `REG#${id}`, skPrefix: "EVENT#" }),
  accessPrefix: (id: string) => ({ pk: `REG#${id}`, skPrefix: "ACCESS#" }),
  /** Both trails of one registration, for the shared record modules (record/trail.ts). */
  trail: (id: string): RecordTrail => ({
    entity: "registration",
    event: (at, suffix) => registrationKeys.event(id, at, suffix),
    access: (at, suffix) => registrationKeys.access(id, at, suffix),
    events: registrationKeys.eventPrefix(id),
  }),
  /** gsi1: registrations by status, oldest first. */
  byStatus: (status: RegistrationStatus, createdAt: string, id: string) => ({
    gsi1pk: registrationKeys.statusPartition(status),
    gsi1sk: `${createdAt}#${id}`,
  }),
  statusPartition: (status: RegistrationStatus) => `REG#STATUS#${status}`,
  /** gsi2: registrations by province, sorted by village code, so a prefix selects a region. */
  byRegion: (villageCode: string, createdAt: string, id: string) => ({
    gsi2pk: registrationKeys.provincePartition(villageCode),
    gsi2sk: `${villageCode}#${createdAt}#${id}`,
  }),
  /** Any code of the province (its first two digits) names the partition. */
  provincePartition: (regionCode: string) => `REG#PROVINCE#${regionCode.slice(0, 2)}`,
  /** The key attributes a gsi2 page position needs (table key and index key). */
  regionPageKey: ["pk", "sk", "gsi2pk", "gsi2sk"] as const,
  /** Numbers issued in sequence (SK and member numbers per kabupaten/kota). */
  skCounter: (kabupaten: string, year: string) => ({ pk: `COUNTER#SK#${kabupaten}#${year}`, sk: "COUNTER" }),
  memberCounter: (kabupaten: string) => ({ pk: `COUNTER#MEMBER#${kabupaten}`, sk: "COUNTER" }),
};
