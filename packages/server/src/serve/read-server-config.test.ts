import { describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { parseServerConfig } from './read-server-config.js';
import { DEFAULT_SERVER_CONFIG } from './server-config.js';

function problem(text: string): string {
  try {
    parseServerConfig(text, 'raqib.yaml');
  } catch (error) {
    if (isRaqibError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('parseServerConfig', () => {
  it('fills every default from an empty file: 127.0.0.1:8080, ./data, retention', () => {
    expect(parseServerConfig('', 'raqib.yaml')).toEqual(DEFAULT_SERVER_CONFIG);
    expect(DEFAULT_SERVER_CONFIG.server).toMatchObject({ host: '127.0.0.1', port: 8080, secureCookies: false });
    expect(DEFAULT_SERVER_CONFIG.storage.dataDir).toBe('data');
    const config = parseServerConfig('server:\n  port: 9000\nretention:\n  readings1sDays: 2\n', 'raqib.yaml');
    expect(config.server.port).toBe(9000);
    expect(config.retention).toMatchObject({ readings1sDays: 2, readings1mDays: 400 });
  });

  it('names the file, line, column and key of an unknown key, a wrong value and bad YAML', () => {
    expect(problem('server:\n  host: 0.0.0.0\n  prot: 80\n')).toBe(
      'raqib.yaml:3:3: server.prot: unknown key (see docs/server.md for the keys of server)',
    );
    expect(problem('storage:\n  dataDir: x\nlogging: {}\n')).toMatch(/^raqib.yaml:3:1: logging: unknown key/);
    expect(problem('server:\n  port: "eighty"\n')).toBe(
      'raqib.yaml:2:9: server.port: Expected number, received string',
    );
    expect(problem('server:\n  port: 70000\n')).toMatch(
      /^raqib.yaml:2:9: server.port: Number must be less than or equal to 65535/,
    );
    expect(problem('server: [1\n')).toMatch(/^raqib.yaml:\d+:\d+: not valid YAML/);
    expect(problem('server:\n  port: 1\n  port: 2\n')).toMatch(/not valid YAML/);
  });
});
