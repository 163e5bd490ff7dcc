import type { Pattern } from './pattern.js';
import { type Anchor, type RegexPatternSpec, classSet, regexPattern } from './regex-pattern.js';

/**
 * Credential detectors, all reported as `SECRET`. Tokens of open-ended length have a short
 * fixed prefix that decides the match and then run while their alphabet continues, so the
 * stream masker needs only the prefix as hold-back however long the token is.
 */

const TOKEN = classSet('A-Za-z0-9_-');
const B64 = classSet('A-Za-z0-9_.+/=~-');

/** The literal that starts every match (or sits at `offset` in it). */
const at = (find: string, offset = 0): Anchor => ({ find, min: offset, max: offset });

const secret = (detector: string, source: string, extra: Partial<RegexPatternSpec> = {}): RegexPatternSpec => ({ entity: 'SECRET', detector, source, ...extra });

export const secretPatterns = (): Pattern[] => secretSpecs().map(regexPattern);

/** The detectors' definitions (exported so tests can check each anchor against its plain regex). */
export const secretSpecs = (): RegexPatternSpec[] => [
  secret('aws-access-key', String.raw`(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])`, { anchor: at('A') }),
  secret(
    'aws-secret-key',
    String.raw`(?<![A-Za-z0-9_])aws_?secret_?access_?key["']?\s{0,4}[:=]\s{0,4}["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`,
    { flags: 'i' },
  ),
  secret('gcp-api-key', String.raw`(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])`, { anchor: at('AIza') }),
  secret('gcp-oauth-token', String.raw`(?<![\w-])ya29\.[0-9A-Za-z_-]{20}`, { extend: { run: TOKEN }, anchor: at('ya29.') }),
  secret('azure-storage-key', String.raw`AccountKey=[A-Za-z0-9+/]{86}==`, { anchor: at('AccountKey=') }),
  secret('azure-client-secret', String.raw`(?<![\w~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])`, { anchor: at('Q~', 4) }),
  secret('anthropic-key', String.raw`(?<![\w-])sk-ant-[a-z0-9]{2,8}-[A-Za-z0-9_-]{16}`, { extend: { run: TOKEN }, anchor: at('sk-ant-') }),
  secret('openai-key', String.raw`(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20}`, { extend: { run: TOKEN }, anchor: at('sk-') }),
  secret('github-token', String.raw`(?<![\w])gh[pousr]_[A-Za-z0-9]{36}`, { extend: { run: classSet('A-Za-z0-9') }, anchor: at('_', 3) }),
  secret('github-pat', String.raw`(?<![\w])github_pat_[A-Za-z0-9_]{22}`, { extend: { run: classSet('A-Za-z0-9_') }, anchor: at('github_pat_') }),
  secret('slack-token', String.raw`(?<![\w])xox[abposr]-[A-Za-z0-9-]{10}`, { extend: { run: TOKEN }, anchor: at('xox') }),
  secret('stripe-key', String.raw`(?<![\w])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16}`, { extend: { run: classSet('A-Za-z0-9') }, anchor: at('_', 2) }),
  secret('private-key', String.raw`-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----`, {
    anchor: at('-----BEGIN '),
    extend: { until: /-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/ },
  }),
  // base64url of `{"` — the header of every JWT (and of other signed JSON tokens).
  secret('jwt', String.raw`(?<![\w-])eyJ[A-Za-z0-9_-]{12}`, { extend: { run: classSet('A-Za-z0-9_.-') }, anchor: at('eyJ') }),
  // `earer` ends 1–4 spaces before the token.
  secret('bearer-token', String.raw`(?<=\b[Bb]earer\s{1,4})[A-Za-z0-9._~+/-]{16}`, { extend: { run: B64 }, anchor: { find: 'earer', min: -9, max: -6 } }),
];
