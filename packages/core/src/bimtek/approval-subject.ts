import { registerSubject } from "../action/subjects";
import { renderEmail } from "../mail/render";
import { getEnrolment } from "./enrolment";
import { enrolmentStatusLabels, sessionFacts } from "./messages";
import { ENROLMENT_SUBJECT } from "./model";
import { getSession } from "./sessions";

/**
 * A seat offer as the approval service sees it. The participant answers it from their own
 * enrolment page (no action link, nobody mailed by the approval service: the offer email is the
 * domain's own), so the view only names the enrolment and the session — never the person.
 */
registerSubject({
  type: ENROLMENT_SUBJECT,
  async load(id) {
    const enrolment = await getEnrolment(id);
    const session = enrolment ? await getSession(enrolment.sessionId) : undefined;
    if (!enrolment || !session) return undefined;
    const title = `Tawaran kursi Bimtek ${enrolment.id}`;
    return {
      regionCode: enrolment.villageCode,
      title,
      facts: [{ label: "Nomor pendaftaran Bimtek", value: enrolment.id }, ...sessionFacts(session)],
      standing: enrolmentStatusLabels[enrolment.status],
      sensitive: false,
      requestEmail: () =>
        renderEmail({
          subject: title,
          paragraphs: ["Tawaran kursi ini dijawab oleh peserta melalui halaman pendaftarannya."],
          facts: sessionFacts(session),
        }),
    };
  },
});
