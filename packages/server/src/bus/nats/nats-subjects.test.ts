import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, subjectToTopic, topicToSubject } from './nats-subjects.js';

describe('nats subjects', () => {
  it('maps live-bus topics to subjects under raqib.<site> and back', () => {
    expect(topicToSubject('main', 'alerts')).toBe('raqib.main.alerts');
    expect(topicToSubject('main', 'streams/health')).toBe('raqib.main.streams.health');
    expect(topicToSubject('main', 'streams/cam1/readings')).toBe('raqib.main.streams.cam1.readings');
    expect(topicToSubject('main', 'streams/*/readings')).toBe('raqib.main.streams.*.readings');
    expect(topicToSubject('main', 'store/>')).toBe('raqib.main.store.>');
    expect(subjectToTopic('main', 'raqib.main.streams.cam1.readings')).toBe('streams/cam1/readings');
  });

  it('encodes stream ids with dots and colons into one token, reversibly', () => {
    for (const id of ['gate.north', 'drone:7', 'a=b', 'x_y-z', 'pont-Ä']) {
      const token = encodeToken(id);
      expect(token).toMatch(/^[A-Za-z0-9_=-]+$/);
      expect(decodeToken(token)).toBe(id);
      expect(subjectToTopic('s1', topicToSubject('s1', `streams/${id}/readings`))).toBe(`streams/${id}/readings`);
    }
    expect(encodeToken('gate.north')).toBe('gate=2Enorth');
  });

  it('refuses a site that is not a subject token', () => {
    expect(() => topicToSubject('a.b', 'alerts')).toThrow(/nats.site/);
  });
});
