/**
 * Check-digit validators that turn "looks like a number" into "is one": a detector only
 * reports a card, IBAN or national id whose checksum holds, which removes most false
 * positives from order numbers, timestamps and ids.
 */

const digitsOf = (s: string): string => s.replace(/[^0-9]/g, '');

/** Luhn (ISO/IEC 7812): payment cards, Canadian SIN, IMEI. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** A payment card number: 13–19 digits, issuer range 2–6, Luhn-valid (other characters ignored). */
export function cardValid(text: string): boolean {
  // luhnValid(digitsOf(text)) in one pass from the end, without building the digit string.
  let count = 0;
  let sum = 0;
  let first = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (count % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    count++;
    first = c;
  }
  return count >= 13 && count <= 19 && first >= 50 && first <= 54 && sum % 10 === 0;
}

/** IBAN lengths per country (ISO 13616 registry); unknown countries allow 15–34. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23,
  IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27,
  MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26,
  UA: 29, VG: 24, XK: 20,
};

/** IBAN: country length and the ISO 7064 mod-97 check (remainder 1). */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined ? iban.length !== expected : iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    if (v < 0 || v > 35) return false;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** US SSN: area not 000/666/9xx, group not 00, serial not 0000 (SSA rules). */
export function ssnValid(text: string): boolean {
  const d = digitsOf(text);
  if (d.length !== 9) return false;
  const area = d.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 8, 5],
];

/** Verhoeff dihedral-group check digit. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c][VERHOEFF_P[i % 8][d]];
  }
  return c === 0;
}

/** India Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff-valid (UIDAI). */
export function aadhaarValid(text: string): boolean {
  const d = digitsOf(text);
  return d.length === 12 && d[0] >= '2' && verhoeffValid(d);
}

/** UK National Insurance number: HMRC prefix and suffix rules (NINOs carry no check digit). */
export function ninoValid(text: string): boolean {
  const n = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$/.test(n)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(n.slice(0, 2));
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spain DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): mod-23 letter. */
export function dniValid(text: string): boolean {
  const s = text.replace(/[ -]/g, '').toUpperCase();
  const m = /^([XYZ]?)([0-9]{7,8})([A-Z])$/.exec(s);
  if (!m || m[1].length + m[2].length !== 8) return false;
  const num = Number(`${m[1] === '' ? '' : 'XYZ'.indexOf(m[1])}${m[2]}`);
  return DNI_LETTERS[num % 23] === m[3];
}

/** Odd-position values of the codice fiscale check (DM 23/12/1976), for 0-9 then A-Z. */
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const CF_ODD_LETTERS = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/** Italy codice fiscale: 16 characters with a final check letter (omocodia variants included). */
export function codiceFiscaleValid(text: string): boolean {
  const s = text.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = s.charCodeAt(i);
    const isDigit = ch < 65;
    const v = isDigit ? ch - 48 : ch - 65;
    // Positions are 1-based in the decree: index 0 is "odd".
    sum += i % 2 === 0 ? (isDigit ? CF_ODD[v] : CF_ODD_LETTERS[v]) : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}
