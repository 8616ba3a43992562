/** Workflows that must exist; a later issue adds its workflow here with its definition. */
export const registryNames = [
  "system-check",
  "recruitment",
  "case-escalation",
  "bimtek-session",
  "bimtek-offer",
];
