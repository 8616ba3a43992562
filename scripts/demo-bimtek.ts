/**
 * The Bimtek walk-through of issue 8, from outside, against a running local stack started with
 * `SLA_SCALE=0.00002 npm start` (a day lasts 1.7 s): a district officer creates a session starting
 * in about a minute; candidates enrol (the last ones waitlisted); one cancels from the email link
 * and the first waiting is offered the seat and accepts; reminders arrive before the start;
 * attendance after the end completes the participants and their district verification emails go out.
 *
 *   SLA_SCALE=0.00002 npm start            # in one terminal
 *   npm run demo:bimtek                    # in another (BASE_URL=http://localhost:3000 by default)
 *
 * It only speaks HTTP (the API and the outbox at /_dev/mail), like a person with a browser would;
 * the staff token is signed with the local stack's secret, as `npm run token` does.
 */
import { Jwt } from "hono/utils/jwt";
import { LOCAL_JWT_SECRET } from "../packages/local/src/environment";

const base = (process.env.BASE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const startedAt = Date.now();
const say = (line: string) =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${line}`);

interface Mail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  links: string[];
  sentAt: string;
}

async function mails(): Promise<Mail[]> {
  const response = await fetch(`${base}/_dev/mail`, { headers: { Accept: "application/json" } });
  if (!response.ok)
    throw new Error(`/_dev/mail answered ${response.status}: is the stack running with the outbox?`);
  return (await response.json()) as Mail[];
}

/** Waits for a message to `to` whose subject matches, sent after `since` (ISO); returns it. */
async function mailTo(to: string, subject: RegExp, since: string, timeoutMs = 120_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mails()).find(
      (m) => m.to.includes(to) && subject.test(m.subject) && m.sentAt >= since,
    );
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`No email to ${to} matching ${subject} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function staffToken(role: string, region: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return Jwt.sign(
    {
      sub: `demo-${role}-${region}`,
      email: `${role}.${region.replaceAll(".", "")}@sigap.local`,
      role,
      region,
      iat: now,
      exp: now + 3600,
    },
    LOCAL_JWT_SECRET,
  );
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json: json as Record<string, unknown> };
}

/** A page as a browser opens it (the participant's link answers JSON to anything else). */
async function browse(url: string): Promise<string> {
  return (await fetch(url, { headers: { Accept: "text/html" } })).text();
}

/** A form posted as a browser posts it. */
async function form(url: string, fields: Record<string, string> | URLSearchParams) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
    body: fields instanceof URLSearchParams ? fields : new URLSearchParams(fields),
  });
  return { status: response.status, text: await response.text() };
}

function expectStatus(what: string, got: number, want: number, body?: unknown) {
  if (got !== want) throw new Error(`${what}: expected ${want}, got ${got} ${JSON.stringify(body)}`);
}

/** Every field of the first POST form on a page, every checkbox ticked: a person ticking every box. */
function everyBoxTicked(html: string): { action?: string; fields: URLSearchParams } {
  const formTag = html.match(/<form[^>]*method="post"[^>]*>/i)?.[0] ?? "";
  const action = formTag.match(/action="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
  const fields = new URLSearchParams();
  for (const input of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = input[0];
    const type = tag.match(/type="([^"]+)"/)?.[1] ?? "text";
    const name = tag.match(/name="([^"]+)"/)?.[1];
    const value = (tag.match(/value="([^"]*)"/)?.[1] ?? "on").replaceAll("&amp;", "&");
    if (name && (type === "checkbox" || type === "hidden")) fields.append(name, value);
  }
  return { action, fields };
}

const VILLAGE = "32.05.22.2001"; // Desa Cikajang, Kabupaten Garut: its kades recommends
const KADES = "kades.cikajang@garutkab.example.go.id";
const ORGANISER = "bimtek@dinsos.garutkab.example.go.id";
const DISTRICT_APPROVER = "psm@dinsos.garutkab.example.go.id";
const SPEAKER = "narasumber@kemensos.example.go.id";
const run = Date.now() % 10_000;

async function candidate(i: number) {
  const email = `calon${i}.${run}@example.com`;
  const fullName = `Calon Peserta ${["Satu", "Dua", "Tiga", "Empat", "Lima"][i]}`;
  const nik = `320501${String(15 + 40).padStart(2, "0")}0795${String((run * 10 + i) % 10_000).padStart(4, "0")}`;
  const since = new Date().toISOString();
  const registered = await call("POST", "/v1/registrations", {
    nik,
    fullName,
    birthPlace: "Garut",
    birthDate: "1995-07-15",
    gender: "P",
    phone: "0812-3456-7890",
    email,
    address: "Jl. Cikajang No. 12, RT 02/RW 05",
    villageCode: VILLAGE,
    education: "SMA",
    occupation: "Wiraswasta",
    motivation: "Ingin membantu tetangga yang membutuhkan layanan sosial.",
    consent: true,
  });
  expectStatus("registration", registered.status, 202, registered.json);
  const id = String(registered.json.id);
  // The village head recommends, from the link in the email they got.
  const ask = await mailTo(KADES, /(?:)/, since);
  const link = ask.links.find((l) => l.includes("/v1/actions/"));
  if (!link) throw new Error("No action link in the village head's email");
  const decided = await form(link, { decision: "recommend", reason: "", note: "" });
  expectStatus("recommendation", decided.status, 200, decided.text.slice(0, 200));
  return { id, email, fullName, receiptCode: String(registered.json.receiptCode) };
}

async function main() {
  say(`Against ${base}`);
  const people = [];
  for (let i = 0; i < 4; i++) {
    people.push(await candidate(i));
    say(`candidate ${i + 1} registered and recommended by the village head (${people[i]?.email})`);
  }
  await new Promise((r) => setTimeout(r, 1500)); // the recommendations are applied

  const district = await staffToken("district", "32.05");
  const startsAt = new Date(Date.now() + 60_000);
  const endsAt = new Date(startsAt.getTime() + 20_000);
  const created = await call(
    "POST",
    "/v1/staff/bimtek",
    {
      level: "dasar",
      title: "Bimtek Dasar PSM Kabupaten Garut (demo)",
      regionCode: "32.05",
      venue: "Aula Dinas Sosial Kabupaten Garut",
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      capacity: 3,
      speakers: [{ name: "Narasumber Kemensos", email: SPEAKER }],
    },
    { Authorization: `Bearer ${district}` },
  );
  expectStatus("session", created.status, 201, created.json);
  const sessionId = String(created.json.id);
  say(`session ${sessionId} created: starts ${startsAt.toISOString()}, 3 seats`);

  const enrolled = [];
  for (const p of people) {
    const answer = await call("POST", `/v1/bimtek/${sessionId}/enrollments`, {
      registrationId: p.id,
      receiptCode: p.receiptCode,
    });
    expectStatus("enrolment", answer.status, 201, answer.json);
    enrolled.push({
      ...p,
      enrollmentId: String(answer.json.enrollmentId),
      status: String(answer.json.status),
    });
    say(`  ${p.email}: ${answer.json.status}, position ${answer.json.position}`);
  }

  const leaving = enrolled[0];
  const waiting = enrolled.find((e) => e.status === "waitlisted");
  if (!leaving || !waiting) throw new Error("Expected three confirmed and one waitlisted");
  const confirmation = await mailTo(leaving.email, /.*/, new Date(startedAt).toISOString());
  const page = confirmation.links.find((l) => l.includes("/v1/bimtek/enrollments/"));
  if (!page) throw new Error("No enrolment link in the confirmation email");
  // Cancelling asks first: the page's link opens the confirmation, whose button cancels.
  const ask = (await browse(page)).match(/href="([^"]*batal=ya)"/)?.[1]?.replaceAll("&amp;", "&");
  if (!ask) throw new Error("No cancel link on the enrolment page");
  const cancelPage = await browse(new URL(ask, base).toString());
  const cancelAction = cancelPage.match(/action="([^"]*cancellation[^"]*)"/)?.[1]?.replaceAll("&amp;", "&");
  if (!cancelAction) throw new Error("No cancel form on the enrolment page");
  const cancelledAt = new Date().toISOString();
  const cancelled = await form(new URL(cancelAction, base).toString(), {});
  expectStatus("cancellation", cancelled.status, 200, cancelled.text.slice(0, 200));
  say(`${leaving.email} cancelled from the email link`);

  const offer = await mailTo(waiting.email, /kursi|tawar/i, cancelledAt);
  say(`${waiting.email} was offered the seat: "${offer.subject}"`);
  const offerLink = offer.links.find((l) => l.includes("/v1/bimtek/enrollments/"));
  if (!offerLink) throw new Error("No enrolment link in the offer email");
  const offerPage = await browse(offerLink);
  const offerAction = offerPage.match(/action="([^"]*offer[^"]*)"/)?.[1]?.replaceAll("&amp;", "&");
  if (!offerAction) throw new Error("No offer form on the enrolment page");
  const accepted = await form(new URL(offerAction, base).toString(), { decision: "accept" });
  expectStatus("offer accepted", accepted.status, 200, accepted.text.slice(0, 200));
  say(`${waiting.email} accepted the seat`);

  const participants = enrolled.filter((e) => e !== leaving);
  for (const p of participants) {
    const reminder = await mailTo(
      p.email,
      /pengingat|besok|minggu/i,
      new Date(startedAt).toISOString(),
      90_000,
    );
    say(`reminder before the start to ${p.email}: "${reminder.subject}" at ${reminder.sentAt}`);
  }
  const speakerReminder = await mailTo(SPEAKER, /.*/, new Date(startedAt).toISOString(), 90_000);
  say(`reminder to the speaker: "${speakerReminder.subject}"`);

  const attendanceMail = await mailTo(ORGANISER, /hadir/i, new Date(startedAt).toISOString(), 120_000);
  say(
    `attendance request to the organiser at ${attendanceMail.sentAt} (session ended ${endsAt.toISOString()})`,
  );
  const attendanceLink = attendanceMail.links.find((l) => l.includes("/v1/bimtek/attendance/"));
  if (!attendanceLink) throw new Error("No attendance link in the organiser's email");
  const attendancePage = await browse(attendanceLink);
  const ticked = everyBoxTicked(attendancePage);
  const saved = await form(
    new URL(ticked.action ?? attendanceLink, attendanceLink).toString(),
    ticked.fields,
  );
  expectStatus("attendance", saved.status, 200, saved.text.slice(0, 300));
  say(
    `attendance saved: every participant, every day (${ticked.fields.getAll("attended").length || [...ticked.fields].length} fields)`,
  );

  for (const p of participants) {
    const certificate = await mailTo(p.email, /sertifikat/i, new Date(startedAt).toISOString(), 60_000);
    const verify = certificate.links.find((l) => l.includes("/v1/certificates/"));
    const shown = verify ? await call("GET", new URL(verify).pathname) : undefined;
    say(`certificate to ${p.email}: ${shown?.json?.number ?? "?"} (${shown?.status})`);
  }
  // Bimtek dasar completed: each one's recruitment moves on to district verification.
  for (const p of participants) {
    const verification = await mailTo(
      DISTRICT_APPROVER,
      new RegExp(`Verifikasi.*${p.fullName}`),
      cancelledAt,
      60_000,
    );
    say(`district verification of ${p.fullName} asked of ${DISTRICT_APPROVER} at ${verification.sentAt}`);
  }
  say("done");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
