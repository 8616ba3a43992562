import {
  type AttendanceActor,
  type AttendanceRecord,
  type AttendanceSheet,
  attendanceSheet,
  recordAttendance,
} from "@sigap/core/bimtek/attendance";
import { ENROLLMENT_ID_PATTERN } from "@sigap/core/bimtek/keys";
import { attendanceCodeMatches } from "@sigap/core/bimtek/links";
import { enrolmentStatusLabels, levelLabels } from "@sigap/core/bimtek/messages";
import { getSession, scopedSession } from "@sigap/core/bimtek/sessions";
import { AppError } from "@sigap/core/error";
import { describeRegion } from "@sigap/core/region/regions";
import { formatDate, formatLocalTime } from "@sigap/core/time";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { Facts, Page } from "../web/layout";
import { readBody } from "./body";
import { unknownLinkPage } from "./pages";
import { LinkCode, SessionId, validParams } from "./params";
import type { StaffEnv } from "./staff-auth";

/**
 * Attendance of a Bimtek session: the organisers' page behind the secret link of their email (a
 * checkbox per participant per local day; GET shows, the POST of its form saves) and the staff
 * API `PUT /v1/staff/bimtek/:id/attendance`. Both close when certificates go out.
 */

/** The checkbox of one participant and day: `<enrollmentId>:<day>`. */
const ATTENDED = "attended";
/** Every participant listed on the page, so an unticked row is saved as absent. */
const LISTED = "participant";

function sheetPage(
  c: Context,
  sheet: AttendanceSheet,
  notice?: { kind: "saved" | "error"; text: string },
  status: 200 | 409 | 422 = 200,
) {
  const s = sheet.session;
  const editable = (row: AttendanceSheet["rows"][number]) => sheet.open && row.status === "confirmed";
  return c.html(
    <Page title={`Daftar hadir: ${s.title}`}>
      <h1>Daftar hadir</h1>
      <Facts
        items={[
          { label: "Sesi", value: s.title },
          { label: "Tingkat", value: levelLabels[s.level] },
          { label: "Tempat", value: s.venue },
          { label: "Mulai", value: formatLocalTime(s.startsAt, s.regionCode) },
          { label: "Selesai", value: formatLocalTime(s.endsAt, s.regionCode) },
        ]}
      />
      {notice ? (
        <p
          class={notice.kind === "error" ? "error" : "success"}
          role={notice.kind === "error" ? "alert" : "status"}
        >
          {notice.text}
        </p>
      ) : null}
      {s.certifiedAt ? (
        <p class="gone">Sertifikat sudah diterbitkan; daftar hadir tidak dapat diubah lagi.</p>
      ) : sheet.open ? null : (
        <p class="gone">Daftar hadir dapat diisi setelah sesi selesai.</p>
      )}
      <p class="note">
        Centang setiap hari yang dihadiri peserta. Peserta yang hadir setiap hari menerima sertifikat.
      </p>
      <form method="post">
        {sheet.rows.length ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Peserta</th>
                  {sheet.days.map((day, i) => (
                    <th scope="col">
                      Hari {i + 1}
                      <br />
                      {formatDate(day)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {sheet.rows.map((row) => (
                  <tr>
                    <th scope="row">
                      {row.name}
                      <br />
                      <span class="note">
                        {describeRegion(row.villageCode)}
                        {row.status === "confirmed" ? "" : ` · ${enrolmentStatusLabels[row.status]}`}
                      </span>
                      {editable(row) ? <input type="hidden" name={LISTED} value={row.enrollmentId} /> : null}
                    </th>
                    {sheet.days.map((_, i) => (
                      <td>
                        <input
                          type="checkbox"
                          id={`${row.enrollmentId}-${i + 1}`}
                          name={ATTENDED}
                          value={`${row.enrollmentId}:${i + 1}`}
                          aria-label={`${row.name}, hari ${i + 1}`}
                          checked={row.days.includes(i + 1)}
                          disabled={!editable(row)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>Tidak ada peserta terkonfirmasi pada sesi ini.</p>
        )}
        {sheet.open && sheet.rows.length ? (
          <p>
            <button type="submit">Simpan daftar hadir</button>
          </p>
        ) : null}
      </form>
    </Page>,
    status,
  );
}

/** The ticked boxes of the form as records: every listed participant, their ticked days. */
function recordsFromForm(form: Record<string, unknown>): AttendanceRecord[] {
  const list = (value: unknown) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  const days = new Map<string, number[]>(list(form[LISTED]).map((id) => [id, []]));
  for (const box of list(form[ATTENDED])) {
    const [id, day] = box.split(":");
    const attended = days.get(id ?? "");
    if (attended && day) attended.push(Number(day));
  }
  return [...days].map(([enrollmentId, attended]) => ({ enrollmentId, days: attended }));
}

const linkActor: AttendanceActor = { kind: "link", role: "bimtek-organiser" };

async function sessionOfLink(c: Context): Promise<string | undefined> {
  const id = c.req.param("sessionId") ?? "";
  const code = c.req.query("code") ?? "";
  // Unknown session and wrong code answer alike; the code is checked before anything is read.
  if (!v.is(LinkCode, code) || !attendanceCodeMatches(id, code)) return undefined;
  c.header("Cache-Control", "no-store");
  return (await getSession(id)) ? id : undefined;
}

/** `/v1/bimtek/attendance/:sessionId?code=`: the organisers' page from their email. */
export const bimtekAttendance = new Hono()
  .get("/:sessionId", validParams({ sessionId: SessionId }, unknownLinkPage), async (c) => {
    const id = await sessionOfLink(c);
    if (!id) return unknownLinkPage(c);
    return sheetPage(c, await attendanceSheet(id, linkActor));
  })
  .post("/:sessionId", validParams({ sessionId: SessionId }, unknownLinkPage), async (c) => {
    const id = await sessionOfLink(c);
    if (!id) return unknownLinkPage(c);
    const form = await readBody(c, { repeatable: [ATTENDED, LISTED] });
    try {
      const { recorded } = await recordAttendance(id, recordsFromForm(form), linkActor);
      return sheetPage(c, await attendanceSheet(id, linkActor), {
        kind: "saved",
        text: `Daftar hadir ${recorded} peserta tersimpan. Anda dapat memperbaikinya sampai sertifikat diterbitkan.`,
      });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 409 && error.status !== 422)) throw error;
      const detail = [error.message, ...(error.errors ?? []).map((e) => e.message)].join(" ");
      return sheetPage(
        c,
        await attendanceSheet(id, linkActor),
        { kind: "error", text: detail },
        error.status,
      );
    }
  });

export const AttendanceBody = v.object({
  records: v.pipe(
    v.array(
      v.object({
        enrollmentId: v.pipe(
          v.string("Nomor peserta wajib diisi."),
          v.regex(ENROLLMENT_ID_PATTERN, "Nomor peserta tidak dikenal."),
        ),
        days: v.pipe(
          v.array(
            v.pipe(v.number("Hari berupa angka."), v.integer("Hari berupa bilangan bulat.")),
            "Daftar hari wajib diisi.",
          ),
          v.maxLength(31, "Terlalu banyak hari."),
        ),
      }),
      "Daftar kehadiran wajib diisi.",
    ),
    v.maxLength(500, "Paling banyak 500 peserta sekali simpan."),
  ),
});

/** `PUT /v1/staff/bimtek/:id/attendance` (mounted under the staff router: token and region scope). */
export const staffBimtekAttendance = new Hono<StaffEnv>().put(
  "/bimtek/:id/attendance",
  validParams({ id: SessionId }, () => {
    throw new AppError("not-found", "Data tidak ditemukan");
  }),
  async (c) => {
    const me = c.get("staff");
    const session = await scopedSession(me, c.req.param("id"));
    const { records } = parseOrThrow(AttendanceBody, await readBody(c), "Data kehadiran tidak valid");
    const { recorded } = await recordAttendance(session.id, records, {
      kind: "staff",
      id: me.sub,
      email: me.email,
      role: me.role,
    });
    return c.json({ sessionId: session.id, recorded });
  },
);
