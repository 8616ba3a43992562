import { type Duty, directoryEntry, putPeople } from "@sigap/core/staff/directory";
import { directorySeed } from "@sigap/core/staff/seed";

/** Loads the sample directory (every duty) where nothing was set; never overwrites what staff changed (or emptied). */
export async function seedDirectoryIfEmpty(): Promise<void> {
  for (const [duty, byRegion] of Object.entries(directorySeed) as Array<
    [Duty, (typeof directorySeed)[Duty]]
  >) {
    for (const [regionCode, people] of Object.entries(byRegion)) {
      if (!(await directoryEntry(regionCode, duty))) await putPeople(regionCode, duty, people, "seed");
    }
  }
}
