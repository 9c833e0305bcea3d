import { describe, expect, it } from 'vitest';
import { keySetAuthorizer } from './publish-key-authorizer.js';
import { rtmpIngestConfig, type RtmpIngestConfigParams } from './rtmp-ingest-config.js';

const PARAMS: RtmpIngestConfigParams = {
  host: '127.0.0.1',
  port: 1935,
  pidPath: '/var/lib/raqib/rtmp-ingest/nginx.pid',
  modulePath: '/usr/lib/nginx/modules/ngx_rtmp_module.so',
  callbackBaseUrl: 'http://127.0.0.1:40000/rtmp/abc_DEF-123',
  dropIdlePublisherS: 10,
};

describe('rtmpIngestConfig', () => {
  it('checks every publisher through Raqib and lets only this machine play', () => {
    const config = rtmpIngestConfig(PARAMS);
    expect(config).toContain('listen 127.0.0.1:1935;');
    expect(config).toContain('on_publish http://127.0.0.1:40000/rtmp/abc_DEF-123/publish;');
    expect(config).toContain('deny play all;');
    expect(config).toContain('daemon off;');
    expect(config).toContain('access_log off;'); // no system log path, no stream keys in logs
    expect(config).not.toMatch(/\bhttp\s*\{/); // no HTTP server in the ingest
    expect(rtmpIngestConfig({ ...PARAMS, host: '::1' })).toContain('listen [::1]:1935;');
  });

  it('refuses values that could inject config and ports out of range', () => {
    expect(() => rtmpIngestConfig({ ...PARAMS, pidPath: '/tmp/x; user root' })).toThrow(/pid path/);
    expect(() => rtmpIngestConfig({ ...PARAMS, host: '0.0.0.0;}' })).toThrow(/host/);
    expect(() => rtmpIngestConfig({ ...PARAMS, port: 70_000 })).toThrow(/port must be 1\.\.65535/);
  });
});

describe('keySetAuthorizer', () => {
  it('accepts exactly the known keys', () => {
    const authorize = keySetAuthorizer(['drone1-k3y-0123456789abcdef', 'drone2-k3y-0123456789abcdef']);
    expect(authorize('drone2-k3y-0123456789abcdef', { addr: '127.0.0.1' })).toBe(true);
    expect(authorize('drone2-k3y-0123456789abcdeF', { addr: '127.0.0.1' })).toBe(false);
    expect(authorize('drone1-k3y-0123456789abcde', { addr: '127.0.0.1' })).toBe(false);
    expect(authorize('', { addr: '127.0.0.1' })).toBe(false);
    expect(authorize('../../etc/passwd-000000000', { addr: '127.0.0.1' })).toBe(false);
  });
});
