import { queryAll } from "../db/client";
import { childRegions, parentRegion, regionLevel, regionName } from "../region/regions";
import type { RegistrationStatus } from "./keys";
import type { RecruitmentStage } from "./model";
import { regionQuery } from "./repository";

/**
 * Coverage, the seeds' "at least one PSM per village": per village, the active PSM and the
 * candidates waiting for Bimtek dasar (status `candidate`, stage `basic-training`), and which
 * villages have no active PSM at all. The villages come from the Kemendagri list (a village nobody
 * registered from still counts, as uncovered); the people from one query of the registrations'
 * region index (gsi2, a province partition narrowed by the code prefix), reading only the three
 * attributes counted — never a table scan.
 */
export interface CoverageCounts {
  villages: number;
  villagesWithoutPsm: number;
  activePsm: number;
  waitingCandidates: number;
}

export interface VillageCoverage {
  code: string;
  name: string;
  activePsm: number;
  waitingCandidates: number;
}

export interface SubdistrictCoverage extends CoverageCounts {
  code: string;
  name: string;
  perVillage: VillageCoverage[];
}

export interface DistrictCoverage extends CoverageCounts {
  code: string;
  name: string;
}

/** A kabupaten/kota, kecamatan or village: per kecamatan and village, and the villages without PSM. */
export interface LocalCoverage {
  view: "local";
  regionCode: string;
  totals: CoverageCounts;
  subdistricts: SubdistrictCoverage[];
  villagesWithoutPsm: Array<{ code: string; name: string; subdistrictCode: string }>;
}

/** A province: totals per kabupaten/kota. */
export interface ProvinceCoverage {
  view: "province";
  regionCode: string;
  totals: CoverageCounts;
  districts: DistrictCoverage[];
}

export type Coverage = LocalCoverage | ProvinceCoverage;

interface Tally {
  activePsm: number;
  waitingCandidates: number;
}

type Counted = { villageCode: string; status: RegistrationStatus; stage: RecruitmentStage };

/** Active PSM and waiting candidates per village code inside `regionCode`: one index query. */
async function tallyByVillage(regionCode: string): Promise<Map<string, Tally>> {
  const query = regionQuery(regionCode);
  const found = await queryAll<Counted>({
    ...query,
    // Only the counted people come back, and of them only what is counted.
    FilterExpression: "#status = :active OR (#status = :candidate AND stage = :training)",
    ProjectionExpression: "villageCode, #status, stage",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ...query.ExpressionAttributeValues,
      ":active": "active" satisfies RegistrationStatus,
      ":candidate": "candidate" satisfies RegistrationStatus,
      ":training": "basic-training" satisfies RecruitmentStage,
    },
  });
  const tallies = new Map<string, Tally>();
  for (const item of found) {
    const tally = tallies.get(item.villageCode) ?? { activePsm: 0, waitingCandidates: 0 };
    if (item.status === "active") tally.activePsm += 1;
    else tally.waitingCandidates += 1;
    tallies.set(item.villageCode, tally);
  }
  return tallies;
}

const noCounts = (): CoverageCounts => ({
  villages: 0,
  villagesWithoutPsm: 0,
  activePsm: 0,
  waitingCandidates: 0,
});

function add(into: CoverageCounts, part: CoverageCounts): void {
  into.villages += part.villages;
  into.villagesWithoutPsm += part.villagesWithoutPsm;
  into.activePsm += part.activePsm;
  into.waitingCandidates += part.waitingCandidates;
}

/** One kecamatan's villages (or just `onlyVillage`) with their tallies. */
function subdistrictCoverage(
  code: string,
  tallies: Map<string, Tally>,
  onlyVillage?: string,
): SubdistrictCoverage {
  const villageCodes = onlyVillage ? [onlyVillage] : childRegions(code);
  const counts = noCounts();
  const perVillage = villageCodes.map((village) => {
    const tally = tallies.get(village) ?? { activePsm: 0, waitingCandidates: 0 };
    add(counts, {
      villages: 1,
      villagesWithoutPsm: tally.activePsm === 0 ? 1 : 0,
      ...tally,
    });
    return { code: village, name: regionName(village) ?? village, ...tally };
  });
  return { code, name: regionName(code) ?? code, ...counts, perVillage };
}

/**
 * Coverage of a region: a province answers per kabupaten/kota; a kabupaten/kota, kecamatan or
 * village per kecamatan and village. The caller checks the code exists and the staff may see it.
 */
export async function coverage(regionCode: string): Promise<Coverage> {
  const level = regionLevel(regionCode);
  const tallies = await tallyByVillage(regionCode);
  const totals = noCounts();

  if (level === "province") {
    const districts = childRegions(regionCode).map((district) => {
      const counts = noCounts();
      for (const subdistrict of childRegions(district))
        add(counts, subdistrictCoverage(subdistrict, tallies));
      add(totals, counts);
      return { code: district, name: regionName(district) ?? district, ...counts };
    });
    return { view: "province", regionCode, totals, districts };
  }

  const subdistrictCodes =
    level === "district"
      ? childRegions(regionCode)
      : [level === "village" ? (parentRegion(regionCode) ?? regionCode) : regionCode];
  const subdistricts = subdistrictCodes.map((code) =>
    subdistrictCoverage(code, tallies, level === "village" ? regionCode : undefined),
  );
  for (const subdistrict of subdistricts) add(totals, subdistrict);
  const villagesWithoutPsm = subdistricts.flatMap((subdistrict) =>
    subdistrict.perVillage
      .filter((village) => village.activePsm === 0)
      .map((village) => ({ code: village.code, name: village.name, subdistrictCode: subdistrict.code })),
  );
  return { view: "local", regionCode, totals, subdistricts, villagesWithoutPsm };
}
