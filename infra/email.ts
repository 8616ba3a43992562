/**
 * The SES identity mail is sent from. SIGAP_MAIL_SENDER is a verified domain (recommended, e.g.
 * `dinsos.example.go.id`) or an address; SES starts in its sandbox until AWS lifts it.
 */
export const email = new sst.aws.Email("Email", {
  sender: process.env.SIGAP_MAIL_SENDER ?? "sigap@example.go.id",
});
