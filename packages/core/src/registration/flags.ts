import { addOnce as addOnceTo } from "../record/once";
import { registrationKeys } from "./keys";

/** Adds `value` to a list attribute of the registration once (a set kept as a list). */
export async function addOnce(id: string, attribute: "flags" | "notified", value: string): Promise<void> {
  await addOnceTo(registrationKeys.registration(id), attribute, value);
}

/** Flags for the verifying officer (a missing approver, a decision made on behalf, …). */
export const addFlag = (id: string, flag: string) => addOnce(id, "flags", flag);
