/**
 * Keys personal-data protection (the NIK hash and encryption). Set it once per stage, before the
 * first deploy, and never change it (it would orphan every stored NIK):
 *   npx sst secret set PiiSecret "$(openssl rand -base64 48)" --stage <stage>
 */
export const piiSecret = new sst.Secret("PiiSecret");
