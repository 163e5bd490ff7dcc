import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyValueAsString, goJsonString } from './any-value.js';
import type { OtlpAnyValue } from './otlp-types.js';

describe('anyValueAsString (pcommon Value.AsString)', () => {
  it.each<[OtlpAnyValue, string]>([
    [{ stringValue: 'gpt-4o' }, 'gpt-4o'],
    [{ intValue: 120n }, '120'],
    [{ intValue: -9223372036854775808n }, '-9223372036854775808'],
    [{ boolValue: true }, 'true'],
    [{ boolValue: false }, 'false'],
    [{ doubleValue: 0.5 }, '0.5'],
    [{ doubleValue: 3 }, '3'],
    [{ doubleValue: 1e21 }, '1e+21'],
    [{ doubleValue: 1e-7 }, '1e-7'],
    [{ doubleValue: Number.NaN }, 'json: unsupported value: NaN'],
    [{ doubleValue: Number.POSITIVE_INFINITY }, 'json: unsupported value: +Inf'],
    [{ bytesValue: Buffer.from('hi') }, 'aGk='],
    [{}, ''],
    [{ arrayValue: [{ stringValue: 'stop' }] }, '["stop"]'],
    [{ arrayValue: [{ intValue: 1n }, { boolValue: true }, { doubleValue: 1.5 }, {}] }, '[1,true,1.5,null]'],
  ])('case %# → %s', (v, want) => {
    expect(anyValueAsString(v)).toBe(want);
  });

  it('renders maps like Go json.Marshal: keys sorted, later duplicates win, HTML escaped', () => {
    const v: OtlpAnyValue = {
      kvlistValue: [
        { key: 'b', value: { stringValue: '<a&b>' } },
        { key: 'a', value: { intValue: 2n } },
        { key: 'b', value: { stringValue: 'x<y' } },
      ],
    };
    expect(anyValueAsString(v)).toBe('{"a":2,"b":"x\\u003cy"}');
  });

  it('gives an empty string for containers holding NaN (Go marshal error ignored)', () => {
    expect(anyValueAsString({ arrayValue: [{ doubleValue: Number.NaN }] })).toBe('');
  });

  it('round-trips any string array through JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (xs) => {
        const s = anyValueAsString({ arrayValue: xs.map((x) => ({ stringValue: x })) });
        expect(JSON.parse(s)).toEqual(xs);
      }),
    );
  });

  it('escapes exactly what Go escapes beyond JSON.stringify', () => {
    expect(goJsonString('a\u2028b&')).toBe('"a\\u2028b\\u0026"');
  });
});
