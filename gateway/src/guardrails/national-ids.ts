import { aadhaarValid, codiceFiscaleValid, dniValid, ninoValid } from './checksums.js';
import type { Pattern } from './pattern.js';
import { type RegexPatternSpec, classSet, regexPattern } from './regex-pattern.js';

/**
 * National identity numbers, chosen among those with a check digit or strict format rules
 * so a match means something: GB NINO (format and HMRC prefix rules), ES DNI/NIE (mod-23
 * letter), IT codice fiscale (check letter), IN Aadhaar (Verhoeff). All reported as
 * `NATIONAL_ID`; the detector names the country.
 */
export const NATIONAL_ID_COUNTRIES = ['GB', 'ES', 'IT', 'IN'] as const;
export type NationalIdCountry = (typeof NATIONAL_ID_COUNTRIES)[number];

const id = (detector: string, source: string, validate: (m: string) => boolean, anchor: Pick<RegexPatternSpec, 'digits' | 'word' | 'flags'> = {}): RegexPatternSpec => ({
  entity: 'NATIONAL_ID',
  detector,
  source,
  validate,
  ...anchor,
});

/**
 * The detectors' definitions, exported so tests can check each anchor against the plain
 * regex. Anchors follow from the regexes; the NINO's regex, which starts with its letters,
 * scans as fast without one.
 */
export const NATIONAL_ID_SPECS: Record<NationalIdCountry, RegexPatternSpec> = {
  GB: id(
    'gb-nino',
    String.raw`(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])`,
    ninoValid,
  ),
  ES: id(
    'es-dni',
    String.raw`(?<![A-Za-z0-9])(?:[XYZ]-?[0-9]{7}|[0-9]{8})-?[A-Z](?![A-Za-z0-9])`,
    dniValid,
    // Eight digits, or an X/Y/Z (and a hyphen) and seven.
    { digits: { minDigits: 7, firstRun: { min: 7, max: 8 }, lead: { chars: classSet('XYZ-'), min: 0, max: 2 } } },
  ),
  IT: id(
    'it-codice-fiscale',
    String.raw`(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])`,
    codiceFiscaleValid,
    // Sixteen letters and digits, a whole word.
    { word: { chars: classSet('A-Za-z0-9'), min: 16, max: 16 }, flags: 'i' },
  ),
  IN: id(
    'in-aadhaar',
    String.raw`(?<![0-9])[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])`,
    aadhaarValid,
    // Twelve digits in groups of four, maybe joined.
    { digits: { minDigits: 12, firstRun: { min: 4, max: 12 }, joiners: classSet(' -'), maxGap: 1 } },
  ),
};

export const nationalIdPatterns = (countries: readonly NationalIdCountry[]): Pattern[] =>
  countries.map((c) => regexPattern(NATIONAL_ID_SPECS[c]));
