import { type Duty, getPeople, putPeople } from "@sigap/core/staff/directory";
import { directorySeed } from "@sigap/core/staff/seed";

/** Loads the sample directory (every duty) into an empty local table; never overwrites what staff changed. */
export async function seedDirectoryIfEmpty(): Promise<void> {
  for (const [duty, byRegion] of Object.entries(directorySeed) as Array<
    [Duty, (typeof directorySeed)[Duty]]
  >) {
    for (const [regionCode, people] of Object.entries(byRegion)) {
      if ((await getPeople(regionCode, duty)).length === 0) await putPeople(regionCode, duty, people, "seed");
    }
  }
}
