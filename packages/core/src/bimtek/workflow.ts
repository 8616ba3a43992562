// placeholder until h2-workflows merges
import type { BimtekSession, Enrolment } from "./model";

/** Starts the session's timeline execution (H2). */
export async function startSessionWorkflow(_session: BimtekSession): Promise<void> {}

/** Stops the previous attempt's execution and starts the session's current attempt (H2). */
export async function supersedeSessionWorkflow(_session: BimtekSession): Promise<void> {}

/** Starts the seat offer's execution (H2). */
export async function startOffer(_enrolment: Enrolment): Promise<void> {}
