import { Resource } from "sst";

/**
 * The linked resources this code reads (see infra/). On AWS SST injects them; locally and in tests
 * the `SST_RESOURCE_<Name>` environment variables supply them.
 */
interface LinkedResources {
  Table: { name: string };
  /** State machine ARN by workflow name. */
  Workflows: Record<string, string>;
  Email: { sender: string };
  /** Keys personal-data protection (NIK hash and encryption); an SST Secret on AWS. */
  PiiSecret: { value: string };
}

const linked = Resource as unknown as LinkedResources;

export function tableName(): string {
  return linked.Table.name;
}

export function stateMachineArn(workflowName: string): string {
  const arn = linked.Workflows[workflowName];
  if (!arn) throw new Error(`No state machine is linked for workflow "${workflowName}"`);
  return arn;
}

/** Every deployed workflow: name → state machine ARN. */
export function workflowArns(): Record<string, string> {
  return { ...linked.Workflows };
}

export function emailSender(): string {
  return linked.Email.sender;
}

export function piiSecret(): string {
  return linked.PiiSecret.value;
}
