import { offerWorkflow } from "../bimtek/offer.workflow";
import { sessionWorkflow } from "../bimtek/session.workflow";
import { caseEscalationWorkflow } from "../case/escalation.workflow";
import { recruitmentWorkflow } from "../registration/recruitment.workflow";
import { systemCheckWorkflow } from "../system/system-check.workflow";
import type { Workflow } from "./workflow";

/** Every state machine the product has. Infra deploys these; the local engine registers these. */
export const workflows: readonly Workflow[] = [
  systemCheckWorkflow,
  recruitmentWorkflow,
  caseEscalationWorkflow,
  sessionWorkflow,
  offerWorkflow,
];
