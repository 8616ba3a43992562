import {
  describeRegion,
  findVillages,
  normalizeRegionCode,
  regionExists,
  regionLevel,
} from "@sigap/core/region/regions";
import type { FC } from "hono/jsx";
import { describedBy, echoed, FieldMessage } from "./fields";
import { isImplicitSubmit, isVillageSearch, textOf } from "./form-submission";

/**
 * The village (desa/kelurahan) of a form, chosen the way a villager can: by name, not by a 10-digit
 * code. Without script, a name search answered by the server: the "Cari desa" button re-renders the
 * form (values kept, nothing saved) with the matches as radio choices named `villageCode`. With
 * script (`web/forms-script.ts`), province → kabupaten/kota → kecamatan → desa selects filled from
 * `GET /v1/regions?parent=`; the search part is then disabled, so one `villageCode` is sent.
 */

/** How many villages a search shows: enough to find one's own among namesakes, short on a phone. */
const SEARCH_LIMIT = 20;
const QUERY_MIN = 3;
const QUERY_MAX = 60;

export interface VillageSearch {
  query: string;
  /** Matching village codes, or a message when the query cannot be searched. */
  matches: readonly string[];
  problem?: string;
  /** Said beside the matches when there are more than shown: how to narrow the search. */
  more?: string;
}

/** No search yet: a blank form. */
export const NO_SEARCH: VillageSearch = { query: "", matches: [] };

/**
 * Whether a submission asks for villages rather than to be sent: the "Cari desa" button, or Enter
 * in the search box (the form's hidden first button, `intent=enter`) while it holds a query not
 * searched yet. Without script Enter cannot press "Cari desa", and a form with no village chosen
 * cannot be accepted anyway: searching is the answer that helps.
 */
export function asksVillageSearch(body: Record<string, unknown>): boolean {
  if (isVillageSearch(body)) return true;
  const query = textOf(body, "villageQuery").trim();
  if (!isImplicitSubmit(body) || query === "") return false;
  return textOf(body, "villageCode") === "" || query !== textOf(body, "villageSearched").trim();
}

/**
 * The search part of a refused form: when no village was chosen but a name was typed, its matches,
 * so the choice is there beside the error; otherwise the typed text only.
 */
export function searchAfterRefusal(body: Record<string, unknown>): VillageSearch {
  const query = textOf(body, "villageQuery");
  return query.trim() !== "" && textOf(body, "villageCode") === ""
    ? searchVillage(query)
    : { query, matches: [] };
}

/**
 * Answers the "Cari desa" button: villages whose name contains the query, narrowed by words of the
 * kecamatan or kabupaten typed after it ("sukamaju garut"), or the village of a typed code.
 */
export function searchVillage(query: string): VillageSearch {
  const trimmed = query.trim();
  if (trimmed.length < QUERY_MIN || trimmed.length > QUERY_MAX) {
    return {
      query,
      matches: [],
      problem: `Ketik ${QUERY_MIN} sampai ${QUERY_MAX} huruf dari nama desa/kelurahan.`,
    };
  }
  const { codes, total } = findVillages(trimmed, { limit: SEARCH_LIMIT });
  if (codes.length === 0) {
    return {
      query,
      matches: codes,
      problem: `Tidak ada desa/kelurahan "${trimmed}". Periksa ejaannya, atau ketik nama desanya saja.`,
    };
  }
  return total > codes.length
    ? {
        query,
        matches: codes,
        more: `Ada ${total} desa/kelurahan yang cocok; ${codes.length} pertama ditampilkan. Tambahkan nama kecamatan atau kabupaten/kota setelah nama desa, misalnya "${trimmed} garut", lalu cari lagi.`,
      }
    : { query, matches: codes };
}

/** A submitted code that names a real village, in its stored (dotted) form. */
export function knownVillage(code: string): string | undefined {
  const normalized = code.length <= 20 ? normalizeRegionCode(code) : undefined;
  return normalized && regionLevel(normalized) === "village" && regionExists(normalized)
    ? normalized
    : undefined;
}

export const RegionPicker: FC<{
  /** The submitted `villageCode` (as typed or chosen). */
  value?: string;
  search?: VillageSearch | undefined;
  error?: string | undefined;
  /** The first invalid field of a re-rendered form. */
  focus?: boolean;
  legend?: string;
  /** What to type: whose village it is (the applicant's own, the place of a case). */
  hint?: string;
}> = ({
  value = "",
  search,
  error,
  focus = false,
  legend = "Desa/kelurahan",
  hint = 'Ketik nama desa atau kelurahan Anda, lalu tekan "Cari desa" dan pilih dari hasilnya.',
}) => {
  const chosen = knownVillage(value);
  const choices = [...new Set([...(chosen ? [chosen] : []), ...(search?.matches ?? [])])];
  const errorId = error ? "villageCode-error" : undefined;
  // The element the error summary links to and the page focuses: the first choice, else the search box.
  const searchBoxId = choices.length > 0 ? "villageQuery" : "villageCode";
  return (
    <fieldset class="field region-picker" data-region-picker data-value={chosen ?? ""}>
      <legend>{legend}</legend>
      <div data-region-search>
        <label class="label" for={searchBoxId}>
          Cari nama desa/kelurahan
        </label>
        <span class="hint" id="villageQuery-hint">
          {hint} Banyak desa bernama sama: tambahkan nama kecamatan atau kabupaten/kota, misalnya "Sukamaju
          Garut", atau ketik kode desa.
        </span>
        <div class="search-row">
          <input
            type="search"
            id={searchBoxId}
            name="villageQuery"
            value={echoed(search?.query, QUERY_MAX)}
            maxlength={QUERY_MAX}
            autocomplete="off"
            aria-invalid={error && choices.length === 0 ? "true" : undefined}
            aria-describedby={describedBy(
              "villageQuery-hint",
              (search?.problem || search?.more) && "villageQuery-result",
              errorId,
            )}
            autofocus={focus && choices.length === 0}
          />
          <button type="submit" class="secondary" name="intent" value="cari-desa" formnovalidate>
            Cari desa
          </button>
        </div>
        {search && search.matches.length > 0 ? (
          // The query these matches answer: Enter after typing another name searches again.
          <input type="hidden" name="villageSearched" value={echoed(search.query, QUERY_MAX)} />
        ) : null}
        {search?.problem || search?.more ? (
          <p class="note" id="villageQuery-result" role="status">
            {search.problem ?? search.more}
          </p>
        ) : null}
        {choices.length > 0 ? (
          <fieldset class="village-choices">
            <legend class="visually-hidden">Pilih desa/kelurahan</legend>
            {choices.map((code, i) => (
              <label class="choice">
                <input
                  type="radio"
                  id={i === 0 ? "villageCode" : `villageCode-${i}`}
                  name="villageCode"
                  value={code}
                  checked={code === chosen}
                  aria-invalid={error ? "true" : undefined}
                  aria-describedby={errorId}
                  autofocus={focus && i === 0}
                />
                <span>{describeRegion(code)}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
      </div>
      <div class="region-selects" data-region-selects hidden>
        {(
          [
            ["province", "Provinsi"],
            ["district", "Kabupaten/kota"],
            ["subdistrict", "Kecamatan"],
            ["village", "Desa/kelurahan"],
          ] as const
        ).map(([level, label]) => (
          <div class="field">
            <label for={`region-${level}`}>{label}</label>
            <select
              id={`region-${level}`}
              data-level={level}
              name={level === "village" ? "villageCode" : undefined}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={errorId}
              disabled
            >
              <option value="">— Pilih {label.toLowerCase()} —</option>
            </select>
          </div>
        ))}
      </div>
      <FieldMessage name="villageCode" error={error} />
    </fieldset>
  );
};
