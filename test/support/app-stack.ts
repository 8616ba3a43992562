import { createApp } from "@sigap/functions/api/app";
import type { Hono } from "hono";
import { seedDirectoryIfEmpty } from "../../packages/local/src/seed";
import {
  localLambdas,
  localStatusChangeHandler,
  registerWorkflows,
} from "../../packages/local/src/workflows";
import { startTestStepFunctions, type TestStepFunctions } from "./step-functions";

export interface AppStack extends TestStepFunctions {
  app: Hono;
}

/**
 * What `npm start` runs, in-process: the API app, the Step Functions engine with every workflow,
 * the real task handlers and the status-change handler, the sample directory — on this test file's own DynamoDB table.
 */
export async function startAppStack(): Promise<AppStack> {
  const stepFunctions = await startTestStepFunctions(await localLambdas(), await localStatusChangeHandler());
  registerWorkflows(stepFunctions.engine);
  await seedDirectoryIfEmpty();
  return { ...stepFunctions, app: createApp() };
}
