import { describe, expect, it } from 'vitest';
import { checkHostOrigin, hostName } from './host-origin.js';

const none = { allowedHosts: [], allowedOrigins: [] };

describe('Host/Origin validation', () => {
  it('accepts loopback hosts with any port and refuses others', () => {
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:1', '[::1]:8080', '[::1]']) expect(checkHostOrigin({ host }, none)).toBeUndefined();
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example']) {
      expect(checkHostOrigin({ host }, none)?.code).toBe('MCP_HOST_NOT_ALLOWED');
    }
    expect(checkHostOrigin({}, none)?.httpStatus).toBe(403);
  });

  it('accepts configured hosts by name or name:port, and * for any', () => {
    expect(checkHostOrigin({ host: 'gw.internal:8080' }, { allowedHosts: ['gw.internal'], allowedOrigins: [] })).toBeUndefined();
    expect(checkHostOrigin({ host: 'gw.internal:8080' }, { allowedHosts: ['gw.internal:9090'], allowedOrigins: [] })?.code).toBe('MCP_HOST_NOT_ALLOWED');
    expect(checkHostOrigin({ host: 'anything' }, { allowedHosts: ['*'], allowedOrigins: [] })).toBeUndefined();
  });

  it('checks Origin when present: loopback or listed', () => {
    expect(checkHostOrigin({ host: 'localhost', origin: 'http://localhost:5173' }, none)).toBeUndefined();
    expect(checkHostOrigin({ host: 'localhost', origin: 'https://evil.example' }, none)?.code).toBe('MCP_ORIGIN_NOT_ALLOWED');
    expect(checkHostOrigin({ host: 'localhost', origin: 'null' }, none)?.code).toBe('MCP_ORIGIN_NOT_ALLOWED');
    expect(checkHostOrigin({ host: 'localhost', origin: 'https://app.example' }, { allowedHosts: [], allowedOrigins: ['https://app.example'] })).toBeUndefined();
  });

  it('parses host names out of Host values', () => {
    expect(hostName('Example.COM:80')).toBe('example.com');
    expect(hostName('[::1]:443')).toBe('[::1]');
  });
});
