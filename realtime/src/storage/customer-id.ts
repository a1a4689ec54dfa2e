/**
 * A stable customer id for a call, for retention and lifetime value (docs/REPORTS.md, CX KPIs):
 * - the source's explicit `attributes.customerId` (a CRM id) when it gives one, as is;
 * - else an opaque id from the customer's number (the caller of an inbound call, the number dialed for
 *   an outbound one), normalized to E.164 with libphonenumber-js (`0901 234 567` and `+84901234567` are
 *   one customer), then hashed: `tel:` + 24 hex digits of SHA-256. The id never contains the number, so
 *   it can appear in reports, logs and exports of roles that see numbers masked. It is pseudonymous, not
 *   anonymous: someone holding the database already has `from_number`, and phone numbers are few enough
 *   to hash them all.
 * - a caller reference that is not a number (has letters, e.g. the Anonymous Bank's pseudonymous
 *   `ab-cust-...`): `ref:` + its hash.
 */
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The country a national number (without `+`) belongs to, from the site's time zone. */
const COUNTRY_BY_ZONE: Record<string, CountryCode> = {
  'Asia/Ho_Chi_Minh': 'VN',
  'Asia/Saigon': 'VN',
  'Asia/Jerusalem': 'IL',
  'Europe/Zurich': 'CH',
  'Asia/Bangkok': 'TH',
  'Asia/Singapore': 'SG',
};

export const countryOfZone = (timeZone: string): CountryCode | undefined => COUNTRY_BY_ZONE[timeZone];

/** E.164 of a number (`+84901234567`), or undefined when it is not a phone number. */
export function e164(raw: string, defaultCountry?: CountryCode): string | undefined {
  const p = parsePhoneNumberFromString(raw, defaultCountry ? { defaultCountry } : undefined);
  if (p?.isPossible()) return p.number;
  // Not parseable as a number of a known plan: its digits, if it has enough to be one (an internal extension is not a customer).
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 7 ? `+${digits}` : undefined;
}

const cache = new Map<string, string | null>();

/** `tel:<hash>` of a number (cached: a call's row is derived many times). */
export function customerIdOfNumber(raw: string, defaultCountry?: CountryCode): string | null {
  const key = `${defaultCountry ?? ''}|${raw}`;
  let id = cache.get(key);
  if (id === undefined) {
    // A caller reference that is not a number (letters: e.g. the Anonymous Bank's pseudonymous
    // `ab-cust-...`) is already stable per customer: hashed as it is.
    const ref = /[a-z]/i.test(raw) ? raw.trim() : undefined;
    const n = ref ? undefined : e164(raw, defaultCountry);
    const hash = (v: string) => createHash('sha256').update(`callboard-customer:${v}`).digest('hex').slice(0, 24);
    id = ref ? `ref:${hash(ref)}` : n ? `tel:${hash(n)}` : null;
    if (cache.size > 100_000) cache.clear();
    cache.set(key, id);
  }
  return id;
}

/** The customer of a call: its `attributes.customerId`, else from its customer's number; null when neither. */
export function customerIdOf(call: { direction: string; from?: string | undefined; to?: string | undefined; attributes?: Record<string, string> | undefined }, defaultCountry?: CountryCode): string | null {
  const explicit = call.attributes?.customerId?.trim();
  if (explicit) return explicit.slice(0, 128);
  const number = call.direction === 'outbound' ? call.to : call.from;
  return number ? customerIdOfNumber(number, defaultCountry) : null;
}
