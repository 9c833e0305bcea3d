import { describe, expect, it } from 'vitest';
import { ffmpegLiveArgs, liveInputKind, redactUrl } from './ffmpeg-live-input.js';

describe('live input URLs', () => {
  it.each([
    ['rtmp://127.0.0.1:1935/live/abc', 'rtmp'],
    ['RTSPS://cam.example/stream1', 'rtsp'],
    ['srt://10.0.0.2:9000?mode=caller', 'srt'],
    ['https://cdn.example/live/index.m3u8', 'http'],
    ['/data/flight.mp4', 'file'],
    ['file:///data/flight.mp4', 'file'],
  ])('%s is %s', (url, kind) => {
    expect(liveInputKind(url)).toBe(kind);
  });

  it('refuses other schemes and empty URLs, naming them without secrets', () => {
    expect(() => liveInputKind('gopher://user:pw@host/x')).toThrow(
      /\*\*\*@host.*unsupported live source scheme gopher:/,
    );
    expect(() => liveInputKind(' ')).toThrow(/empty/);
  });

  it('hides passwords, RTMP stream keys and query strings', () => {
    expect(redactUrl('rtmp://127.0.0.1:1935/live/s3cret-key')).toBe('rtmp://127.0.0.1:1935/live/***');
    expect(redactUrl('rtsp://admin:pw@10.0.0.5:554/ch1')).toBe('rtsp://***@10.0.0.5:554/ch1');
    expect(redactUrl('srt://h:9000?passphrase=x')).toBe('srt://h:9000?***');
    expect(redactUrl('/data/a.mp4')).toBe('/data/a.mp4');
  });

  it('builds low-latency pull arguments per scheme and paced ones for a drill file', () => {
    const rtsp = ffmpegLiveArgs({ url: 'rtsp://h/ch1', fps: 2, maxWidthPx: 961 });
    expect(rtsp).toEqual(expect.arrayContaining(['-rtsp_transport', 'tcp', '-fflags', 'nobuffer']));
    expect(rtsp[rtsp.indexOf('-vf') + 1]).toBe("fps=2,scale='min(960,iw)':-2:flags=area");
    expect(rtsp.slice(-5)).toEqual(['-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1']);
    const hls = ffmpegLiveArgs({ url: 'https://cdn/x.m3u8', fps: 2 });
    expect(hls[hls.indexOf('-protocol_whitelist') + 1]).toBe('http,https,tcp,tls,crypto');
    const drill = ffmpegLiveArgs({ url: '/d/a.mp4', fps: 2, loop: true });
    expect(drill.slice(drill.indexOf('-re'), drill.indexOf('-re') + 3)).toEqual(['-re', '-stream_loop', '-1']);
    expect(drill).not.toContain('-rtmp_live');
    expect(() => ffmpegLiveArgs({ url: '/d/a.mp4', fps: 0 })).toThrow(/fps must be > 0/);
  });
});
