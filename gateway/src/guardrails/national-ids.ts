import { aadhaarValid, codiceFiscaleValid, dniValid, ninoValid } from './checksums.js';
import type { Pattern } from './pattern.js';
import { regexPattern } from './regex-pattern.js';

/**
 * National identity numbers, chosen among those with a check digit or strict format rules
 * so a match means something: GB NINO (format and HMRC prefix rules), ES DNI/NIE (mod-23
 * letter), IT codice fiscale (check letter), IN Aadhaar (Verhoeff). All reported as
 * `NATIONAL_ID`; the detector names the country.
 */
export const NATIONAL_ID_COUNTRIES = ['GB', 'ES', 'IT', 'IN'] as const;
export type NationalIdCountry = (typeof NATIONAL_ID_COUNTRIES)[number];

const id = (detector: string, source: string, validate: (m: string) => boolean, flags = ''): Pattern =>
  regexPattern({ entity: 'NATIONAL_ID', detector, source, validate, flags });

const FACTORIES: Record<NationalIdCountry, () => Pattern> = {
  GB: () =>
    id(
      'gb-nino',
      String.raw`(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])`,
      ninoValid,
    ),
  ES: () => id('es-dni', String.raw`(?<![A-Za-z0-9])(?:[XYZ]-?[0-9]{7}|[0-9]{8})-?[A-Z](?![A-Za-z0-9])`, dniValid),
  IT: () =>
    id(
      'it-codice-fiscale',
      String.raw`(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])`,
      codiceFiscaleValid,
      'i',
    ),
  IN: () => id('in-aadhaar', String.raw`(?<![0-9])[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])`, aadhaarValid),
};

export const nationalIdPatterns = (countries: readonly NationalIdCountry[]): Pattern[] =>
  countries.map((c) => FACTORIES[c]());
