import { caseErasable } from "../case/erasure";
import { registrationErasable } from "../registration/erasure";
import type { Erasable } from "./erasure";

/**
 * Every record type that holds personal data, for the retention job and data requests. A new type
 * adds its Erasable here.
 */
export const erasableTypes: readonly Erasable[] = [registrationErasable, caseErasable];
