import { spawn } from 'node:child_process';
import { RaqibError } from '@raqib/core';
import { FfmpegDecodeLog } from '../ingest/ffmpeg-decode-log.js';
import type { LiveInput, LiveInputFactory, LiveInputHandlers } from './live-input.js';
import { PpmFrameParser } from './ppm-frame-parser.js';

/** What a live URL is, by scheme; a plain path (or file: URL) is a file played as live for drills. */
export type LiveInputKind = 'rtmp' | 'rtsp' | 'srt' | 'http' | 'file';

export interface FfmpegLiveInputOptions {
  /** rtmp(s)://, rtsp(s)://, srt://, http(s):// (HLS .m3u8 or a progressive stream), or a file path. */
  url: string;
  /** Analysis rate: ffmpeg samples the stream down to this many frames per second. */
  fps: number;
  /** Downscale so the width is at most this many pixels (aspect kept). Default: no scaling. */
  maxWidthPx?: number;
  /** RTSP transport. Default 'tcp' (UDP loses packets on real networks and through NAT). */
  rtspTransport?: 'tcp' | 'udp';
  /** A drill file: play it again from the start when it ends (default false: it ends the stream). */
  loop?: boolean;
  /** Default `ffmpeg`. */
  ffmpegPath?: string;
}

const SCHEMES: Record<string, LiveInputKind> = {
  'rtmp:': 'rtmp',
  'rtmps:': 'rtmp',
  'rtsp:': 'rtsp',
  'rtsps:': 'rtsp',
  'srt:': 'srt',
  'http:': 'http',
  'https:': 'http',
  'file:': 'file',
};

/** Kind of a live URL; throws INPUT_INVALID naming the URL for an unsupported scheme. */
export function liveInputKind(url: string): LiveInputKind {
  const match = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url);
  if (!match) {
    if (url.trim() === '') throw new RaqibError('INPUT_INVALID', 'live source URL is empty');
    return 'file';
  }
  const kind = SCHEMES[match[1]!.toLowerCase()];
  if (!kind) {
    throw new RaqibError(
      'INPUT_INVALID',
      `${redactUrl(url)}: unsupported live source scheme ${match[1]}; use rtmp://, rtsp://, srt://, http(s):// (HLS) or a file path`,
    );
  }
  return kind;
}

/** The URL with its secret parts hidden, for messages and logs: passwords, the stream key, query strings. */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(.*)$/i.exec(url);
  if (!match) return url;
  const [, scheme, authority, path, rest] = match;
  const host = authority!.includes('@') ? `***@${authority!.slice(authority!.lastIndexOf('@') + 1)}` : authority!;
  // RTMP URLs end in the stream key, which is the publisher's credential.
  const shownPath = /^rtmps?:/i.test(scheme!) ? path!.replace(/\/[^/]+$/, '/***') : path!;
  return `${scheme}${host}${shownPath}${rest ? '?***' : ''}`;
}

/** The parts of a URL that must not appear in messages: the user info, an RTMP stream key, the query. */
function secretParts(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(.*)$/i.exec(url);
  if (!match) return [];
  const [, scheme, authority, path, rest] = match;
  const parts: string[] = [];
  if (authority!.includes('@')) parts.push(authority!.slice(0, authority!.lastIndexOf('@')));
  const key = /^rtmps?:/i.test(scheme!) ? /\/([^/]+)$/.exec(path!)?.[1] : undefined;
  if (key) parts.push(key);
  if (rest && rest.length > 1) parts.push(rest.slice(1));
  return parts.filter((part) => part.length > 0).sort((x, y) => y.length - x.length);
}

/** The ffmpeg command line for a live input (exported for tests). */
export function ffmpegLiveArgs(options: FfmpegLiveInputOptions): string[] {
  const kind = liveInputKind(options.url);
  if (!(options.fps > 0) || !Number.isFinite(options.fps)) {
    throw new RaqibError('INPUT_INVALID', `live analysis fps must be > 0, got ${options.fps}`);
  }
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'repeat+level+warning'];
  if (kind === 'file') {
    // -re reads at the file's own rate, like a camera; -stream_loop -1 makes a drill endless.
    args.push('-re');
    if (options.loop) args.push('-stream_loop', '-1');
  } else {
    // Low latency: no input buffering beyond what decoding needs; start on a small probe.
    args.push('-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '500000', '-analyzeduration', '1000000');
  }
  if (kind === 'rtmp') args.push('-rtmp_live', 'live');
  if (kind === 'rtsp') args.push('-rtsp_transport', options.rtspTransport ?? 'tcp');
  // An HLS playlist must not make ffmpeg open local files or other protocols.
  if (kind === 'http') args.push('-protocol_whitelist', 'http,https,tcp,tls,crypto');
  args.push('-i', options.url, '-an', '-sn', '-dn');
  const scale = options.maxWidthPx ? `,scale='min(${Math.floor(options.maxWidthPx / 2) * 2},iw)':-2:flags=area` : '';
  args.push('-vf', `fps=${options.fps}${scale}`);
  args.push('-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1');
  return args;
}

/**
 * A live input run by a spawned ffmpeg: pulls or plays the source, samples it to the analysis rate,
 * and hands every decoded frame to `onFrame` as soon as it is complete. stdout is always drained, so
 * ffmpeg never blocks on us and a slow consumer never builds a backlog in the network buffers; the
 * latest-frame mailbox downstream drops what the consumer cannot take.
 */
export function ffmpegLiveInput(options: FfmpegLiveInputOptions): LiveInputFactory {
  const args = ffmpegLiveArgs(options);
  const isFile = liveInputKind(options.url) === 'file';
  const shown = redactUrl(options.url);
  const secrets = secretParts(options.url);
  const hideSecrets = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text);
  const program = options.ffmpegPath ?? 'ffmpeg';
  return (handlers: LiveInputHandlers): LiveInput => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const parser = new PpmFrameParser();
    const log = new FfmpegDecodeLog();
    let ended = false;
    let stopRequested = false;
    let failure: string | null = null;
    const finish = (completed: boolean, reason: string) => {
      if (ended) return;
      ended = true;
      handlers.onEnd({ completed, reason });
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => log.push(text));
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        parser.push(chunk, (image) => handlers.onFrame(image));
      } catch (error) {
        failure = (error as Error).message;
        child.kill('SIGKILL');
      }
    });
    child.on('error', (error) => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      finish(
        false,
        missing
          ? `${program} not found: install ffmpeg (bash scripts/install-system-deps.sh)`
          : `${shown}: ffmpeg failed to start: ${error.message}`,
      );
    });
    child.on('close', (code, signal) => {
      log.end();
      if (stopRequested) return finish(false, 'stopped');
      if (failure) return finish(false, `${shown}: ${failure}`);
      // ffmpeg repeats the URL in its messages: hide its secrets there too.
      const said = hideSecrets(log.errors(2).join(' | '));
      if (code === 0) {
        // A network stream that ends cleanly has lost its publisher; only a drill file completes.
        return finish(isFile, `${shown}: input ended${said ? `: ${said}` : ''}`);
      }
      const how = signal ? `ffmpeg was stopped by ${signal}` : `ffmpeg exited with code ${code}`;
      finish(false, `${shown}: ${how}${said ? `: ${said}` : ''}`);
    });
    return {
      stop() {
        if (ended || stopRequested) return;
        stopRequested = true;
        child.kill('SIGKILL');
      },
    };
  };
}
