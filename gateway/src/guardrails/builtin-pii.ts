import { isIPv6 } from 'node:net';
import { cardValid, ibanValid, ssnValid } from './checksums.js';
import type { Pattern } from './pattern.js';
import { type RegexPatternSpec, classSet, regexPattern } from './regex-pattern.js';

/**
 * Personal-data detectors. Each regex is bounded (no open-ended repetition) and unambiguous
 * where it repeats, so scanning stays linear; checksums decide what the regex only suggests.
 */

/** Longest valid prefix of `m` that ends before a separator (or all of it). */
function longestValid(m: string, separators: string, valid: (s: string) => boolean): number {
  if (valid(m)) return m.length;
  for (let i = m.length - 1; i > 0; i--) {
    if (separators.includes(m[i]) && valid(m.slice(0, i))) return i;
  }
  return 0;
}

const digitCount = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
};

/** Exported (like `IPV6_SPEC`) so tests can check its anchor against the plain regex. */
export const EMAIL_SPEC: RegexPatternSpec = {
  entity: 'EMAIL',
  detector: 'email',
  // RFC 5321 bounds: local part ≤ 64, labels ≤ 63. Starts where the local part starts.
  source: String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,4}[A-Za-z]{2,24}(?![A-Za-z0-9-])`,
  // The `@` ends the run of local-part characters the match starts with.
  anchor: { find: '@', min: 1, max: 64, within: classSet('A-Za-z0-9._%+-') },
};

export const emailPattern = (): Pattern => regexPattern(EMAIL_SPEC);

const PHONE_GROUP = String.raw`(?:[ .-](?:\([0-9]{1,4}\) ?)?[0-9]{1,5}|\([0-9]{1,4}\) ?[0-9]{1,5})`;

const PHONE_FORMS = [
  // E.164, compact or grouped: +14155552671, +44 20 7946 0958, +1 (415) 555-2671
  String.raw`\+[1-9](?:[0-9]{6,14}|[0-9]{0,3}${PHONE_GROUP}{1,6})`,
  // North American: (415) 555-2671, 415-555-2671, 415.555.2671
  String.raw`(?:\([0-9]{3}\) ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}`,
  // Trunk-prefixed national forms: 020 7946 0958, 01 23 45 67 89, 030 12345678
  String.raw`0[1-9](?:[ .][0-9]{2}){4}`,
  String.raw`0[1-9][0-9]{1,4}[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}`,
  String.raw`0[1-9][0-9]{1,4}[ /-][0-9]{5,8}`,
];

/**
 * The number detectors, exported so tests can check each digit anchor against the plain
 * regex. Their anchors follow from the regexes: where a match can start relative to its
 * first digit, which characters join its digits and how many digits it needs.
 */
export const PHONE_SPEC: RegexPatternSpec = {
  entity: 'PHONE',
  detector: 'phone',
  source: String.raw`(?<![\w+])(?:${PHONE_FORMS.join('|')})(?![\w])`,
  validate: (m) => {
    const n = digitCount(m);
    return n >= 9 && n <= 15;
  },
  // `+` or `(` may open it; `) `, `-(` and single separators join its groups.
  digits: { minDigits: 9, joiners: classSet(' .()/-'), maxGap: 2, lead: { chars: classSet('+('), min: 0, max: 1 } },
};

export const CARD_SPEC: RegexPatternSpec = {
  entity: 'CREDIT_CARD',
  detector: 'payment-card',
  source: String.raw`(?<![0-9-])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])`,
  validate: (m) => longestValid(m, ' -', cardValid),
  digits: { minDigits: 13, joiners: classSet(' -'), maxGap: 1 },
};

export const SSN_SPEC: RegexPatternSpec = {
  entity: 'US_SSN',
  detector: 'us-ssn',
  source: String.raw`(?<![0-9-])[0-9]{3}(?:-[0-9]{2}-|\x20[0-9]{2}\x20)[0-9]{4}(?![0-9-])`,
  validate: ssnValid,
  // Three digits, then two, then four.
  digits: { minDigits: 9, minRuns: 3, firstRun: { min: 3, max: 3 }, joiners: classSet(' -'), maxGap: 1 },
};

export const IBAN_SPEC: RegexPatternSpec = {
  entity: 'IBAN',
  detector: 'iban',
  source: String.raw`(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:\x20?[A-Z0-9]{4}){2,7}(?:\x20?[A-Z0-9]{1,3})?(?![A-Za-z0-9])`,
  validate: (m) => longestValid(m, ' ', ibanValid),
  // The country code, then the two check digits.
  digits: { minDigits: 2, lead: { chars: classSet('A-Z'), min: 2, max: 2 } },
};

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';

export const IPV4_SPEC: RegexPatternSpec = {
  entity: 'IP_ADDRESS',
  detector: 'ipv4',
  source: String.raw`(?<![0-9.])(?:${OCTET}\.){3}${OCTET}(?![0-9]|\.[0-9])`,
  digits: { minDigits: 4, minRuns: 4, joiners: classSet('.'), maxGap: 1 },
};

export const phonePattern = (): Pattern => regexPattern(PHONE_SPEC);
export const cardPattern = (): Pattern => regexPattern(CARD_SPEC);
export const ssnPattern = (): Pattern => regexPattern(SSN_SPEC);
export const ibanPattern = (): Pattern => regexPattern(IBAN_SPEC);
export const ipv4Pattern = (): Pattern => regexPattern(IPV4_SPEC);

export const IPV6_SPEC: RegexPatternSpec = {
  entity: 'IP_ADDRESS',
  detector: 'ipv6',
  source: String.raw`(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})(?![\w:])`,
  // The first group's colon.
  anchor: { find: ':', min: 0, max: 4 },
  // `std::vector` and `Cafe::Bad` are not addresses: ask for three groups, or two and a digit.
  validate: (m) => {
    if (!isIPv6(m)) return false;
    const groups = m.split(/:+/).filter((g) => g !== '').length;
    return groups >= 3 || (groups >= 1 && /[0-9]/.test(m) && m.includes('::'));
  },
};

export const ipv6Pattern = (): Pattern => regexPattern(IPV6_SPEC);
