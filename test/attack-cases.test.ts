/**
 * Attack findings on issue 7 (case reports), as failing regression tests. Each test states what
 * the issue asks for; none of them needs the workflow (the start fails fast and is logged).
 */
import { describeSubject } from "@sigap/core/action/known-subjects";
import { getCase } from "@sigap/core/case/repository";
import { createApp } from "@sigap/functions/api/app";
import { beforeAll, describe, expect, it } from "vitest";
import { staffToken } from "./support/staff-token";

const app = createApp();

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function post(body: unknown, client: string, headers: Record<string, string> = {}) {
  return app.request(
    "/v1/cases",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    },
    from(client),
  );
}

async function report(body: unknown, client: string): Promise<{ id: string; trackingCode: string }> {
  const response = await post(body, client);
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as { id: string; trackingCode: string };
}

let district: string;
beforeAll(async () => {
  district = await staffToken("district", "32.05");
});

describe("anonymous folding", () => {
  it("an anonymous emergency report does not vanish into an older normal case (urgency kept)", async () => {
    const village = "32.05.01.1001";
    const first = await report(
      {
        ppksType: "lanjut-usia-terlantar",
        villageCode: village,
        location: "Gang Mawar RT 02",
        description: "Nenek tinggal sendiri, tidak ada yang merawat.",
        urgency: "normal",
      },
      "10.1.0.1",
    );
    const second = await report(
      {
        ppksType: "lanjut-usia-terlantar",
        villageCode: village,
        location: "Jl. Melati 5",
        description: "Kakek pingsan di rumah, tidak bisa bangun, butuh bantuan segera.",
        urgency: "emergency",
      },
      "10.1.0.2",
    );
    // Either its own case, or the case it folded into is now an emergency.
    const holding = await getCase(second.id);
    expect(second.id === first.id ? holding?.urgency : "emergency").toBe("emergency");
  });

  it("an anonymous violence report naming a child is not folded into an unnamed violence case", async () => {
    const village = "32.05.01.1002";
    const first = await report(
      {
        ppksType: "anak-korban-kekerasan",
        villageCode: village,
        location: "Kampung Babakan",
        description: "Terdengar anak menangis dan dipukul di rumah sebelah.",
      },
      "10.1.0.3",
    );
    const second = await report(
      {
        ppksType: "anak-korban-kekerasan",
        villageCode: village,
        location: "Kampung Sukamaju RT 3",
        description: "Rudi (8 tahun) dipukuli ayah tirinya setiap hari.",
        urgency: "emergency",
        subject: { name: "Rudi", ageYears: 8 },
      },
      "10.1.0.4",
    );
    expect(second.id).not.toBe(first.id);
  });
});

describe("anonymous quota", () => {
  it("a 'resident' giving no name, phone or email counts as anonymous (no quota bypass)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await post(
        {
          ppksType: "pengemis",
          villageCode: "32.04.05.2001",
          location: `Perempatan ${i}`,
          description: `Pengemis nomor ${i} di perempatan jalan.`,
          reporter: { kind: "resident" },
        },
        "10.1.0.9",
      );
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
  });
});

describe("anonymous quota per village", () => {
  it("junk anonymous reports of one type cannot silence an anonymous violence report in that village", async () => {
    const village = "32.05.22.2003";
    for (let client = 0; client < 4; client++) {
      for (let i = 0; i < 5; i++) {
        await post(
          {
            ppksType: "pemulung",
            villageCode: village,
            location: `Tempat ${client} ${i}`,
            description: `Laporan palsu nomor ${client} ${i} untuk menghabiskan kuota.`,
          },
          `10.5.0.${client + 1}`,
        );
      }
    }
    // Violence reports are anonymous by default (UU TPKS): they must still get through.
    const response = await post(
      {
        ppksType: "anak-korban-kekerasan",
        villageCode: village,
        location: "Rumah pojok RT 1",
        description: "Anak perempuan dianiaya pamannya, tolong segera.",
        urgency: "emergency",
      },
      "10.5.0.99",
    );
    expect(response.status, await response.clone().text()).toBe(202);
  });
});

describe("idempotency", () => {
  it("a retry with the same key and body from another network address replays the answer", async () => {
    const body = {
      ppksType: "fakir-miskin",
      villageCode: "32.04.05.2001",
      location: "Kampung Babakan",
      description: "Keluarga tidak punya makanan tiga hari.",
      reporter: { kind: "resident", name: "Ujang Hidayat", phone: "081234567890" },
    };
    const first = await post(body, "10.2.0.1", { "Idempotency-Key": "attack-retry-1" });
    expect(first.status).toBe(202);
    // The phone moved from Wi-Fi to mobile data between the two attempts.
    const retry = await post(body, "10.2.0.2", { "Idempotency-Key": "attack-retry-1" });
    expect(retry.status, await retry.clone().text()).toBe(202);
    expect(((await retry.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
  });
});

describe("validation", () => {
  it("lists every error at once: a missing description does not hide the subject NIK and member number", async () => {
    const response = await post(
      {
        ppksType: "gelandangan",
        villageCode: "3205222001",
        location: "Pasar Cikajang",
        subject: { nik: "9999999999999999" },
        reporter: { kind: "psm" },
      },
      "10.3.0.1",
    );
    expect(response.status).toBe(422);
    const fields = ((await response.json()) as { errors: Array<{ field: string }> }).errors.map(
      (e) => e.field,
    );
    expect(fields).toEqual(expect.arrayContaining(["description", "subject.nik", "reporter.memberNumber"]));
  });
});

describe("data requests", () => {
  it("an export by a district officer without the ppa duty does not carry a violence case's details", async () => {
    const nik = "3205015507950002";
    const created = await report(
      {
        ppksType: "korban-tindak-kekerasan",
        villageCode: "32.05.22.2001",
        location: "Rumah di belakang masjid Al-Ikhlas",
        description: "Tetangga sering dipukul suaminya, terdengar teriakan tiap malam.",
        subject: { name: "Siti Rahmawati", nik, gender: "P" },
        reporter: {
          kind: "resident",
          name: "Rina Pelapor",
          phone: "081298765432",
          email: "rina@example.com",
        },
      },
      "10.4.0.1",
    );
    // The staff API itself refuses this officer the details.
    const view = await app.request(`/v1/staff/cases/${created.id}`, {
      headers: { Authorization: `Bearer ${district}` },
    });
    expect(((await view.json()) as { restricted: boolean }).restricted).toBe(true);
    const response = await app.request("/v1/staff/data-requests", {
      method: "POST",
      headers: { Authorization: `Bearer ${district}`, "Content-Type": "application/json" },
      body: JSON.stringify({ nik, kind: "export", reason: "Permintaan subjek data" }),
    });
    const text = await response.text();
    expect(text).not.toContain("dipukul suaminya");
    expect(text).not.toContain("Al-Ikhlas");
    // Nor the reporter's identity, whoever asks: the subject must not learn who reported them.
    expect(text).not.toContain("Rina Pelapor");
    expect(text).not.toContain("081298765432");
  });
});

describe("daily digest", () => {
  it("a case's action carries its urgency, so the digest lists an emergency first and marks it", async () => {
    const created = await report(
      {
        ppksType: "anak-terlantar",
        villageCode: "32.05.22.2001",
        location: "Terminal Cikajang, dekat loket",
        description: "Anak kecil sendirian sejak pagi, menangis, tidak ada orang tua.",
        urgency: "emergency",
        reporter: { kind: "resident", name: "Lina Warga", email: "lina@example.com" },
      },
      "10.6.0.1",
    );
    const view = await describeSubject({ subjectType: "case", subjectId: created.id, step: "response" });
    expect(view?.urgency).toBe("emergency");
  });
});
