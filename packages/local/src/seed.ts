import { getApprovers, putApprovers } from "@sigap/core/staff/directory";
import { directorySeed } from "@sigap/core/staff/seed";

/** Loads the sample directory into an empty local table; never overwrites what staff changed. */
export async function seedDirectoryIfEmpty(): Promise<void> {
  for (const [regionCode, approvers] of Object.entries(directorySeed)) {
    if ((await getApprovers(regionCode)).length === 0) await putApprovers(regionCode, approvers, "seed");
  }
}
