/**
 * Typed Amazon States Language (JSONPath flavour). Only what our workflows use is modelled, and
 * only the JSONPath query language: no JSONata, no Assign (the local engine ignores them).
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

interface Common {
  Comment?: string;
  InputPath?: string | null;
  OutputPath?: string | null;
}
type Transition = { Next: string; End?: never } | { End: true; Next?: never };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export type TaskState = Common &
  Transition & {
    Type: "Task";
    Resource: string;
    Parameters?: JsonObject;
    ResultSelector?: JsonObject;
    ResultPath?: string | null;
    TimeoutSeconds?: number;
    TimeoutSecondsPath?: string;
    HeartbeatSeconds?: number;
    HeartbeatSecondsPath?: string;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type PassState = Common &
  Transition & { Type: "Pass"; Parameters?: JsonObject; Result?: JsonValue; ResultPath?: string | null };

export type WaitState = Common &
  Transition & { Type: "Wait" } & (
    | { Seconds: number }
    | { SecondsPath: string }
    | { Timestamp: string }
    | { TimestampPath: string }
  );

type ComparisonOperator =
  | `String${"Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals"}${"" | "Path"}`
  | "StringMatches"
  | `Numeric${"Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals"}${"" | "Path"}`
  | `Boolean${"Equals"}${"" | "Path"}`
  | `Timestamp${"Equals" | "LessThan" | "GreaterThan" | "LessThanEquals" | "GreaterThanEquals"}${"" | "Path"}`
  | "IsNull"
  | "IsPresent"
  | "IsNumeric"
  | "IsString"
  | "IsBoolean"
  | "IsTimestamp";

/** Note: the local engine never matches `IsPresent: false` / `IsNull: false`; wrap `true` in `Not`. */
export type ChoiceComparison = { Variable: string } & Partial<
  Record<ComparisonOperator, string | number | boolean>
>;
export type ChoiceCondition =
  | { And: ChoiceCondition[] }
  | { Or: ChoiceCondition[] }
  | { Not: ChoiceCondition }
  | ChoiceComparison;
export type ChoiceRule = { Next: string } & ChoiceCondition;

export type ChoiceState = Common & { Type: "Choice"; Choices: ChoiceRule[]; Default?: string };
export type SucceedState = Common & { Type: "Succeed" };
export type FailState = { Type: "Fail"; Comment?: string; Error?: string; Cause?: string };

export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

export const WAIT_FOR_TASK_TOKEN = ".waitForTaskToken";
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

/** Retries for Lambda's transient service errors, as the AWS console generates them. */
export const lambdaServiceRetry: Retrier = {
  ErrorEquals: [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
  ],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};

/** Mail that could not be handed over (SES throttling, an outage) is tried again. */
export const mailDeliveryRetry: Retrier = {
  ErrorEquals: ["MailDeliveryFailed"],
  IntervalSeconds: 30,
  MaxAttempts: 5,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};
