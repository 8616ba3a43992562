/**
 * Every subject type's describer, registered on import. Whatever describes or asks about a subject
 * imports `describeSubject` from here, so the describers are loaded in every process that needs them.
 */
import "../bimtek/approval-subject";
import "../case/approval-subject";
import "../registration/approval-subject";

export { describeSubject, subjectOfType } from "./subjects";
