import ppks from "./ppks.json" with { type: "json" };

/**
 * The 26 PPKS types of Permensos 8/2012 (stable codes, official order) and the household-condition
 * tags recorded beside a type. `ppks.json` is the one source: copied from the design's shared list,
 * bundled with the code, never read from outside the package at run time.
 */
export interface PpksType {
  code: string;
  /** Its number in Permensos 8/2012. */
  no: number;
  name: string;
  /** About a child: children's data is sensitive (UU PDP). */
  child: boolean;
  /** Restricted details: emails, logs and the tracking view carry only code, type and level. */
  sensitive: boolean;
  /** Violence against women and children (UU TPKS 12/2022): routed to the UPTD PPA, in hours. */
  violence: boolean;
}

export interface HouseholdCondition {
  code: string;
  name: string;
}

export const ppksTypes: readonly PpksType[] = ppks.types.map((type) => ({
  code: type.code,
  no: type.no,
  name: type.name,
  child: "child" in type && type.child === true,
  // A violence type is always sensitive, whatever the list says.
  sensitive:
    ("sensitive" in type && type.sensitive === true) || ("violence" in type && type.violence === true),
  violence: "violence" in type && type.violence === true,
}));

export const householdConditions: readonly HouseholdCondition[] = ppks.householdConditions;

const typesByCode = new Map(ppksTypes.map((type) => [type.code, type]));
const conditionsByCode = new Map(householdConditions.map((condition) => [condition.code, condition]));

/** The PPKS type of a code, or undefined when the code is not one. */
export function ppksType(code: string): PpksType | undefined {
  return typesByCode.get(code);
}

export function householdCondition(code: string): HouseholdCondition | undefined {
  return conditionsByCode.get(code);
}

/** Details of this type are restricted (sensitive or violence). */
export function isRestrictedType(code: string): boolean {
  return ppksType(code)?.sensitive ?? false;
}
