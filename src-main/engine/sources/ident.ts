// Identity normalisation lives in src-shared so the renderer's forms apply the same rule.
export { normalisePhone, normaliseEmail, normalisePhones, normaliseEmails } from '@shared/identity';
