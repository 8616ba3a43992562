/** An error the Step Functions API answers with; `name` is the AWS error code (`__type`). */
export class SfnApiError extends Error {
  constructor(
    override readonly name: SfnErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type SfnErrorCode =
  | "ExecutionAlreadyExists"
  | "ExecutionDoesNotExist"
  | "InvalidArn"
  | "InvalidDefinition"
  | "InvalidExecutionInput"
  | "InvalidName"
  | "InvalidOutput"
  | "InvalidToken"
  | "StateMachineAlreadyExists"
  | "StateMachineDoesNotExist"
  | "TaskDoesNotExist"
  | "TaskTimedOut"
  | "UnknownOperationException"
  | "ValidationException";

/**
 * An error raised inside a running state (a failed task, a timeout); Retry/Catch match on `name`,
 * the Catch output's `Cause` is `message`.
 */
export class StateError extends Error {
  constructor(
    override readonly name: string,
    cause: string,
  ) {
    super(cause);
  }
}
